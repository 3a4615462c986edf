"""``draftpod demo``: whole drafts on one machine with no network and no token.

The real processes run as they would in production: the scheduler and the bot are child
processes started from their own command lines, and the bot talks to a local Discord
(:mod:`bot.sandbox`) served from this process, where simulated players act through its driver.
One module per responsibility:

- :mod:`.options`: what the run was asked for, its folder, the settings file the children read;
- :mod:`.stack`: starting and always stopping the scheduler, the local Discord and the bot;
- :mod:`.players`: the simulated players, from ``/draft create`` to the pool in their DMs;
- :mod:`.progress`: one live line per pod while they draft;
- :mod:`.summary`: the figures (``summary.json``), the table, the checks of the logs;
- :mod:`.runner`: the order of it all, and the exit code.
"""
