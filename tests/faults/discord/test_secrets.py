"""No secret in the logs, the messages or the repository.

The bot runs in this process with ``DISCORD_TOKEN`` and ``DRAFTPOD_API_TOKEN`` set, the
scheduler in its own with the same API token; a pod drafts to the end, with a few refusals and a
few Discord faults on the way, every logger at DEBUG. Neither token may appear in any log record
(caplog), in the scheduler's log file or in anything Discord received.
"""

from __future__ import annotations

import logging
import re
import subprocess
from pathlib import Path

import pytest

from tests.bot.e2e.harness import ROOT, table

from .support import SturdyDrafter, draft_all, open_pod, outcome

API_TOKEN = "api-secret-" + "Q9" * 20


async def test_neither_token_appears_in_logs_or_messages(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DRAFTPOD_API_TOKEN", API_TOKEN)  # the scheduler process inherits it
    caplog.set_level(logging.DEBUG)
    async with table(tmp_path) as t:
        discord_token = t.discord.token
        monkeypatch.setenv("DISCORD_TOKEN", discord_token)
        await t.start_bot()
        alice, bob = await t.add_players(2)
        handle = await t.driver.invoke(alice, "draft create", {"set": "NOPE"}, channel=t.channel)
        await handle.acknowledged()
        pod_id = await open_pod(t, [alice, bob], bots=2, pick_seconds=0)
        t.discord.faults.server_error("POST /interactions/{interaction_id}/{token}/callback")
        t.discord.faults.rate_limit("POST /channels/{channel_id}/messages", count=3)
        await draft_all([SturdyDrafter(t, alice, seed=7), SturdyDrafter(t, bob, seed=8)])
        (await outcome(t, pod_id, [alice, bob], seats=4)).check()
        said = [
            m.content + repr(m.embeds)
            for user in (alice, bob)
            for m in t.driver.messages(user=user)
        ] + [m.content + repr(m.embeds) for m in t.driver.messages(channel=t.channel)]
        scheduler_log = t.scheduler.log_text()
    assert len(caplog.records) > 100 and "registered" in scheduler_log.lower()
    records = (
        "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.args!r}" for r in caplog.records)
        + caplog.text
    )
    for secret in (discord_token, API_TOKEN):
        assert secret not in records
        assert secret not in scheduler_log
        assert not [s for s in said if secret in s]
    # The bot did log its work (so the check above saw something): gateway, REST, picks.
    assert any(r.name.startswith("discord") for r in caplog.records)


# A Discord bot token (id.timestamp.hmac), a bearer value, a token assigned in code or config.
TOKEN_LIKE = [
    re.compile(r"[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}"),
    re.compile(r"Bearer\s+[A-Za-z0-9._~+/-]{30,}"),
    re.compile(r"(?i)(discord_token|api_token)\s*[:=]\s*['\"]?[A-Za-z0-9._-]{30,}"),
]


# Token-shaped on purpose and plainly fake: id "123456789012345678", an alphabet for the HMAC
# (tests/test_doctor.py checks a "Bot <token>" value is refused without being echoed).
KNOWN_FAKES = {"MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123"}


def test_no_token_like_string_is_committed() -> None:
    """Every tracked file: nothing shaped like a real Discord token or a long bearer secret.
    (Test tokens are made at run time or are plainly fake, like this module's.)"""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    found = []
    for name in filter(None, files):
        path = ROOT / name.decode()
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for pattern in TOKEN_LIKE:
            found += [
                f"{name.decode()}: {m.group(0)[:12]}…"
                for m in pattern.finditer(text)
                if m.group(0) not in KNOWN_FAKES
            ]
    assert found == []
