"""The Discord side of the bot: embeds, persistent menus and buttons, the presenter, words.

:class:`bot.ui.presenter.DiscordPresenter` implements the draft service's presenter port;
:mod:`bot.ui.words` is the one place where errors become sentences for users.
"""
