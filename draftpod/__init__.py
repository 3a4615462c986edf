"""draftpod: the launcher and the settings shared by the bot and the scheduler processes."""
