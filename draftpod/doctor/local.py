"""The checks that need no network: settings, sets, folders, the bot's database, the token."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from draftpod.config import Config
from draftpod.doctor.report import TOKEN_ENV, Check, fail, ok, reason, show_path


def check_settings(config: Config) -> Check:
    """The CLI already loaded the settings (a bad file exits 2 before this); name the files."""
    return ok("settings", "read " + " + ".join(show_path(Path(s)) for s in config.source))


async def check_sets(config: Config) -> Check:
    """Load the catalog the way the bot does; every file that failed is named."""
    from bot.sets import load_catalog

    folder = config.paths.sets_dir
    shown = show_path(folder)
    if not folder.is_dir():
        return fail(
            "sets",
            f"{shown} is not a folder",
            "create it and put set files in it (docs/sets.md), or fix paths.sets_dir",
        )
    limit = config.sets.max_file_mb * 1024 * 1024
    catalog = await asyncio.to_thread(load_catalog, folder, max_file_bytes=limit)
    codes = ", ".join(catalog.sets) or "none"
    found = f"{len(catalog.sets)} set(s) from {shown}: {codes}"
    if catalog.errors:
        failures = "; ".join(str(error) for error in catalog.errors)
        return fail(
            "sets",
            f"{found}; {len(catalog.errors)} file(s) failed: {failures}",
            "fix or remove each file named; `draftpod sets check` shows them in detail",
        )
    if not catalog.sets:
        return fail(
            "sets",
            f"no set file in {shown}",
            "add an MTGJSON set, a cube list or a custom YAML set (docs/sets.md)",
        )
    return ok("sets", found)


def check_folders(config: Config) -> Check:
    """``logs_dir`` and ``var_dir`` exist (or are created now) and take a file."""
    notes: list[str] = []
    for setting, folder in (("logs_dir", config.paths.logs_dir), ("var_dir", config.paths.var_dir)):
        shown = show_path(folder)
        existed = folder.is_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, probe = tempfile.mkstemp(prefix=".doctor-", dir=folder)
            os.close(handle)
            os.unlink(probe)
        except OSError as exc:
            return fail(
                "folders",
                f"{shown} (paths.{setting}) is not writable: {exc.strerror or exc}",
                f"create it and let the user running draftpod write to it, or change "
                f"paths.{setting}",
            )
        notes.append(f"{shown} writable" + ("" if existed else " (created)"))
    return ok("folders", ", ".join(notes))


async def check_database(config: Config, timeout: float) -> Check:
    """Open the bot's store as the bot does at start (which migrates it), then close it."""
    from sqlalchemy.engine import make_url

    from bot.storage import bot_database_url, current_revision, head_revision, open_configured_store

    url = bot_database_url(config)
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except Exception:
        shown = "bot.database_url"
    try:
        store = await asyncio.wait_for(open_configured_store(config), timeout)
    except TimeoutError:
        return fail(
            "database",
            f"{shown}: no answer within {timeout:g} s",
            "is the database server up and reachable? check bot.database_url",
        )
    except Exception as exc:
        return fail(
            "database",
            f"{shown}: cannot open: {reason(exc)}",
            "check bot.database_url and that the database (or var_dir) is writable",
        )
    try:
        revision = await current_revision(store.engine)
    finally:
        await store.close()
    head = head_revision()
    if revision != head:
        return fail(
            "database",
            f"{shown} is at revision {revision}, not {head}",
            "another draftpod version migrated it; run the version that matches it",
        )
    return ok("database", f"{shown} opened, schema at revision {revision} (newest)")


def check_token(token: str | None) -> Check:
    """DISCORD_TOKEN is set and plausibly a bare token; its value is never shown."""
    if token is None:
        return fail(
            "token",
            f"{TOKEN_ENV} is not set",
            f"copy the bot's token (Developer Portal -> Bot -> Reset Token) into {TOKEN_ENV} "
            "in the bot's environment (docs/running.md)",
        )
    if token.lower().startswith("bot "):
        return fail(
            "token",
            f"{TOKEN_ENV} starts with 'Bot '",
            "set the token alone; discord.py adds the 'Bot ' prefix itself",
        )
    if any(ch.isspace() for ch in token):
        return fail(
            "token",
            f"{TOKEN_ENV} contains spaces or line breaks",
            "set the token alone, on one line, without quotes around it",
        )
    return ok("token", f"{TOKEN_ENV} is set (its value is not shown)")
