"""Thin cogs, one per feature: parse the interaction, call the service, show the outcome.

Each module has an ``async def setup(bot)`` so that ``bot.load_extension`` loads it.
"""

EXTENSIONS: tuple[str, ...] = ("bot.cogs.draft", "bot.cogs.sets", "bot.cogs.dm")
