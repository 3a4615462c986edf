"""The checks of ``draftpod doctor``: the troubleshooting list of a deployment, as code.

Each check looks at one thing the bot and the scheduler need (settings, sets, folders, the bot's
database, the Discord token and application, the scheduler, the bot's handler, a job's round
trip) and gives one :class:`Check`: ``ok``, ``FAIL`` with what to do, or ``skip`` with why. They
run in order and never stop at the first failure, because a person fixing a deployment wants the
whole list at once; a check that cannot mean anything after an earlier failure (the jobs check
without a connected handler) is skipped, saying so, rather than failing twice for one cause.

Every network wait is bounded (``Options.timeout`` per request, ``Options.job_wait`` for the
ping job), and every failure becomes a line, never a traceback. Secrets never reach the output:
the token is only ever said to be set, and :class:`Report` blanks any secret value that would
appear in a line anyway (an exception text quoting a header, say).

This package imports nothing of the bot at import time: the sets, the storage and discord.py are
imported inside the checks that use them, and the local Discord only with ``--discord-api``.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Mapping
from typing import Any

from draftpod.config import Config
from draftpod.doctor.discord_login import (
    INVITE_PERMISSIONS,
    INVITE_PERMISSIONS_WITH_CLEANUP,
    check_discord,
    invite_url,
)
from draftpod.doctor.local import (
    check_database,
    check_folders,
    check_sets,
    check_settings,
    check_token,
)
from draftpod.doctor.report import (
    API_TOKEN_ENV,
    TOKEN_ENV,
    Check,
    Options,
    Report,
    exit_code,
    fail,
    reason,
    secret,
    skip,
)
from draftpod.doctor.scheduler_api import check_scheduler

__all__ = [
    "INVITE_PERMISSIONS",
    "INVITE_PERMISSIONS_WITH_CLEANUP",
    "Check",
    "Options",
    "Report",
    "diagnose",
    "exit_code",
    "invite_url",
]


async def diagnose(
    config: Config,
    options: Options,
    *,
    environ: Mapping[str, str] = os.environ,
    emit: Callable[[str], None] = print,
) -> Report:
    """Run every check in order, writing each line through ``emit``; the report holds them."""
    token = secret(environ, TOKEN_ENV)
    api_token = secret(environ, API_TOKEN_ENV)
    report = Report(emit, secrets=[s for s in (token, api_token) if s])
    report.add(await _safely("settings", lambda: check_settings(config)))
    report.add(await _safely("sets", lambda: check_sets(config)))
    report.add(await _safely("folders", lambda: check_folders(config)))
    report.add(await _safely("database", lambda: check_database(config, options.timeout)))
    application_id: int | None = None
    if options.skip_discord:
        report.add(skip("discord", "--skip-discord: token, login and intents not checked"))
    else:
        report.add(await _safely("token", lambda: check_token(token)))
        if token is None or report.checks[-1].failed:
            report.add(skip("discord", "no usable DISCORD_TOKEN to log in with"))
        else:
            login = await _safely("discord", lambda: check_discord(token, options))
            if isinstance(login, tuple):
                checks, application_id = login
                report.add(*checks)
            else:
                report.add(login)
    scheduler = await _safely(
        "scheduler", lambda: check_scheduler(config, options, api_token, application_id)
    )
    report.add(*(scheduler if isinstance(scheduler, list) else [scheduler]))
    return report


async def _safely(name: str, run: Callable[[], Any]) -> Any:
    """What the check returns, or a FAIL line if it broke: a bug must not end in a traceback."""
    try:
        value = run()
        if inspect.isawaitable(value):
            value = await value
    except Exception as exc:
        return fail(
            name,
            f"the check itself broke: {type(exc).__name__}: {reason(exc)}",
            "a draftpod bug: report it with this line (the other checks still ran)",
        )
    return value
