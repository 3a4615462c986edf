"""The bot process: Discord front end, draft service, storage, renderer and the pure engine."""
