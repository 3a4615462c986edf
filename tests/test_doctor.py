"""``draftpod doctor`` against real parts: a scheduler process, a handler playing the bot, and the
local Discord. Nothing here is mocked; each test sets up only what its check needs."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
import pytest
from aiohttp import web

from bot.sandbox import LocalDiscord
from draftpod.config import Config, load_config
from draftpod.doctor import (
    INVITE_PERMISSIONS,
    INVITE_PERMISSIONS_WITH_CLEANUP,
    Check,
    Options,
    Report,
    _safely,
    diagnose,
    exit_code,
)
from scheduler.client import Handler
from tests.scheduler.scheduler_support import ROOT, SchedulerProcess

HANDLER_ID = "draftpod-bot"
FAST = Options(timeout=3.0, job_wait=5.0)


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def write_config(folder: Path, *, http_port: int, zmq: str = "tcp://127.0.0.1:1") -> Path:
    """Settings of one deployment in ``folder``: one small set, its own folders and database."""
    sets = folder / "sets"
    sets.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "sets" / "DPS.yaml", sets / "DPS.yaml")
    path = folder / "doctor.yaml"
    path.write_text(
        "paths:\n"
        f"  sets_dir: {sets}\n  logs_dir: {folder / 'logs'}\n  var_dir: {folder / 'var'}\n"
        f"scheduler:\n  http_port: {http_port}\n  zmq_address: {zmq}\n"
        f"bot:\n  handler_id: {HANDLER_ID}\n"
    )
    return path


def lines_by_check(lines: list[str]) -> dict[str, str]:
    """Each output line keyed by its check's name (the second column)."""
    return {line.split()[1]: line for line in lines}


async def run_doctor(
    config: Config, options: Options = FAST, **environ: str
) -> tuple[Report, dict[str, str], str]:
    lines: list[str] = []
    report = await diagnose(config, options, environ=environ, emit=lines.append)
    return report, lines_by_check(lines), "\n".join(lines)


@pytest.fixture
async def scheduler(tmp_path: Path) -> AsyncIterator[SchedulerProcess]:
    folder = tmp_path / "scheduler"
    folder.mkdir()
    process = await SchedulerProcess(folder).start()
    yield process
    if process.alive:
        await process.kill(signal.SIGTERM)


@pytest.fixture
def config(tmp_path: Path, scheduler: SchedulerProcess) -> Config:
    return load_config(
        write_config(tmp_path, http_port=scheduler.http_port, zmq=scheduler.zmq), root=tmp_path
    )


@pytest.fixture
async def local_discord() -> AsyncIterator[LocalDiscord]:
    async with LocalDiscord() as server:
        yield server
        assert server.internal_errors == []
        assert server.driver.unknown_routes() == []


PingJob = Callable[[dict[str, Any]], Awaitable[Any]]
StartBot = Callable[[PingJob], Awaitable[Handler]]


@pytest.fixture
async def start_bot(scheduler: SchedulerProcess) -> AsyncIterator[StartBot]:
    """Start a handler in the test's loop that plays the bot: its id and a ``ping`` job."""
    started: list[Handler] = []

    async def start(ping: PingJob) -> Handler:
        handler = Handler(HANDLER_ID, address=scheduler.zmq, heartbeat_seconds=0.25)
        handler.add_job("ping", ping)
        started.append(handler)
        assert await handler.start(timeout=10)
        return handler

    yield start
    for handler in started:
        await handler.stop()


async def test_every_check_passes_against_a_live_scheduler_bot_and_local_discord(
    config: Config, start_bot: StartBot, local_discord: LocalDiscord
) -> None:
    """With the scheduler up, the bot's handler connected and a good token, every check is ok."""
    pings: list[dict[str, Any]] = []

    async def ping(params: dict[str, Any]) -> dict[str, Any]:
        pings.append(params)
        return {"pong": True, "handler": HANDLER_ID, "guilds": 2, "latency_ms": 41.5}

    await start_bot(ping)
    options = Options(timeout=3.0, job_wait=5.0, discord_api=local_discord.base_url)
    report, lines, text = await run_doctor(config, options, DISCORD_TOKEN=local_discord.token)
    assert [c.status for c in report.checks] == ["ok"] * len(report.checks), text
    assert exit_code(report.checks) == 0
    assert list(lines) == [
        "settings", "sets", "folders", "database", "token", "discord", "intents",
        "interactions", "scheduler", "handler", "jobs",
    ]  # fmt: skip
    assert "1 set(s)" in lines["sets"] and "DPS" in lines["sets"]
    assert f"application 'draftpod' (id {local_discord.world.application_id})" in lines["discord"]
    assert "none privileged" in lines["intents"]
    assert f"'{HANDLER_ID}' connected" in lines["handler"]
    assert "ping came back from the bot in" in lines["jobs"] and "2 server(s)" in lines["jobs"]
    assert pings == [{}]
    assert local_discord.token not in text


def test_scheduler_down_fails_with_the_advice_and_exits_1(tmp_path: Path) -> None:
    """Nothing on the scheduler's port: the command says how to start it and exits 1."""
    path = write_config(tmp_path, http_port=free_port())
    done = subprocess.run(
        [sys.executable, "-m", "draftpod", "--config", str(path), "doctor", "--skip-discord"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = lines_by_check(done.stdout.splitlines()[:-1])
    assert lines["scheduler"].startswith("FAIL  scheduler")
    assert "connection refused" in lines["scheduler"]
    assert "-> start it (`draftpod scheduler`, or `draftpod run`" in lines["scheduler"]
    assert lines["handler"].startswith("skip") and lines["jobs"].startswith("skip")
    assert lines["discord"].startswith("skip  discord      --skip-discord")
    assert done.stdout.splitlines()[-1].endswith("fix scheduler (in that order) and run it again")


async def test_handler_not_registered_fails_and_skips_the_jobs_check(config: Config) -> None:
    """The scheduler is up but the bot never registered: handler FAIL, jobs skipped with why."""
    options = Options(timeout=3.0, job_wait=5.0, skip_discord=True)
    report, lines, _ = await run_doctor(config, options)
    assert lines["scheduler"].startswith("ok")
    assert lines["handler"].startswith(
        f"FAIL  handler      the bot's handler '{HANDLER_ID}' is not connected (connected: none)"
    )
    assert "-> start the bot (`draftpod bot`, or `draftpod run`)" in lines["handler"]
    assert lines["jobs"] == f"skip  jobs         handler '{HANDLER_ID}' is not connected"
    assert exit_code(report.checks) == 1


async def test_missing_discord_token_fails_and_skips_the_login(tmp_path: Path) -> None:
    """No DISCORD_TOKEN in the environment: the token check fails and no login is tried."""
    config = load_config(write_config(tmp_path, http_port=free_port()), root=tmp_path)
    report, lines, _ = await run_doctor(config)
    assert lines["token"].startswith("FAIL  token        DISCORD_TOKEN is not set -> copy")
    assert lines["discord"] == "skip  discord      no usable DISCORD_TOKEN to log in with"
    assert exit_code(report.checks) == 1


async def test_wrong_token_against_the_local_discord_fails_naming_401(
    tmp_path: Path, local_discord: LocalDiscord
) -> None:
    """A token the local Discord does not know: the login fails with 401, the token unprinted."""
    config = load_config(write_config(tmp_path, http_port=free_port()), root=tmp_path)
    wrong = "sandbox.not-the-right-token-at-all"
    options = Options(timeout=3.0, discord_api=local_discord.base_url)
    _, lines, text = await run_doctor(config, options, DISCORD_TOKEN=wrong)
    assert lines["token"].startswith("ok")
    assert lines["discord"].startswith(
        f"FAIL  discord      {local_discord.base_url} refused the token (401 Unauthorized)"
    )
    assert "Reset Token" in lines["discord"]
    assert "intents" not in lines
    assert wrong not in text and "not-the-right" not in text


async def test_a_token_with_the_bot_prefix_is_refused_and_never_printed(tmp_path: Path) -> None:
    """'Bot <token>' is a classic mistake: said plainly, without echoing the value."""
    config = load_config(write_config(tmp_path, http_port=free_port()), root=tmp_path)
    token = "Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123"
    _, lines, text = await run_doctor(config, DISCORD_TOKEN=token)
    assert lines["token"].startswith("FAIL  token        DISCORD_TOKEN starts with 'Bot '")
    assert "MTIzNDU2" not in text and "abcdefghij" not in text


async def test_unreachable_discord_is_a_failure_line_not_a_traceback(tmp_path: Path) -> None:
    """Discord's address refuses connections: a FAIL saying it cannot be reached, no traceback."""
    config = load_config(write_config(tmp_path, http_port=free_port()), root=tmp_path)
    options = Options(timeout=3.0, discord_api=f"http://127.0.0.1:{free_port()}")
    _, lines, _ = await run_doctor(config, options, DISCORD_TOKEN="sandbox.anything")
    assert lines["discord"].startswith("FAIL  discord      cannot reach http://127.0.0.1:")
    assert "connection refused" in lines["discord"].lower()


async def test_a_failing_ping_job_fails_the_jobs_check_with_its_error(
    config: Config, start_bot: StartBot
) -> None:
    """The bot's ping raises: the jobs check fails and quotes the bot's error."""

    async def ping(params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("gateway not ready")

    await start_bot(ping)
    _, lines, _ = await run_doctor(config, Options(timeout=3.0, job_wait=5.0, skip_discord=True))
    assert lines["handler"].startswith("ok")
    assert lines["jobs"].startswith("FAIL  jobs         ping ran in the bot and failed:")
    assert "gateway not ready" in lines["jobs"]


async def test_a_wrong_api_token_fails_the_handler_check_without_printing_it(
    tmp_path: Path,
) -> None:
    """The scheduler wants a bearer token and gets another: 401 named, the value hidden."""
    folder = tmp_path / "scheduler"
    folder.mkdir()
    process = await SchedulerProcess(folder, env={"DRAFTPOD_API_TOKEN": "right-api-secret"}).start()
    try:
        config = load_config(
            write_config(tmp_path, http_port=process.http_port, zmq=process.zmq), root=tmp_path
        )
        options = Options(timeout=3.0, skip_discord=True)
        _, lines, text = await run_doctor(config, options, DRAFTPOD_API_TOKEN="wrong-api-secret")
    finally:
        await process.kill(signal.SIGTERM)
    assert lines["scheduler"].startswith("ok")
    assert lines["handler"].startswith(
        "FAIL  handler      the scheduler refused DRAFTPOD_API_TOKEN"
    )
    assert "wrong-api-secret" not in text


async def test_a_set_file_that_fails_is_named(tmp_path: Path) -> None:
    """A broken set file fails the sets check, naming the file; the good sets are still listed."""
    config = load_config(write_config(tmp_path, http_port=free_port()), root=tmp_path)
    (tmp_path / "sets" / "BRK.yaml").write_text("code: BRK\ncards: [oops\n")
    _, lines, _ = await run_doctor(config, Options(timeout=3.0, skip_discord=True))
    assert lines["sets"].startswith(f"FAIL  sets         1 set(s) from {tmp_path / 'sets'}: DPS;")
    assert "; 1 file(s) failed: BRK.yaml: not valid YAML: line 3:" in lines["sets"]
    assert "BRK.yaml" in lines["sets"] and "draftpod sets check" in lines["sets"]


def test_the_invite_permissions_are_the_ones_named_in_the_docs() -> None:
    """The permission integers of the invite link match discord.py's own bit values."""
    needed = discord.Permissions(
        view_channel=True,
        send_messages=True,
        embed_links=True,
        attach_files=True,
        read_message_history=True,
        use_application_commands=True,
    )
    assert INVITE_PERMISSIONS == needed.value == 2147601408
    needed.manage_messages = True
    assert INVITE_PERMISSIONS_WITH_CLEANUP == needed.value == 2147609600
    running = (ROOT / "docs" / "running.md").read_text()
    assert f"permissions={INVITE_PERMISSIONS}&scope=bot+applications.commands" in running
    assert f"= {INVITE_PERMISSIONS_WITH_CLEANUP}" in running


async def test_another_program_on_the_scheduler_port_is_told_apart(tmp_path: Path) -> None:
    """A web server that is not the scheduler answers /health: FAIL asks what holds the port."""

    async def not_found(request: web.Request) -> web.Response:
        return web.Response(status=404, text="<html><body>Not here</body></html>")

    app = web.Application()
    app.router.add_get("/health", not_found)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        config = load_config(write_config(tmp_path, http_port=port), root=tmp_path)
        _, lines, _ = await run_doctor(config, Options(timeout=3.0, skip_discord=True))
    finally:
        await runner.cleanup()
    assert lines["scheduler"].startswith(f"FAIL  scheduler    http://127.0.0.1:{port}/health")
    assert f"is another program on port {port}?" in lines["scheduler"]


async def test_a_check_that_breaks_becomes_a_fail_line() -> None:
    """An unexpected exception inside a check is reported as that check's FAIL, not raised."""

    def broken() -> None:
        raise KeyError("uptime")

    check = await _safely("scheduler", broken)
    assert isinstance(check, Check) and check.failed
    assert check.line().startswith("FAIL  scheduler    the check itself broke: KeyError:")
