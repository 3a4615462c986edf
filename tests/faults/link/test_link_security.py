"""The link's security: CURVE with an allow-list, refusals at start, the HTTP token, takeover."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest

from scheduler import protocol as p
from scheduler.client import Handler, load_curve_keys
from scheduler.keys import make_keys
from tests.scheduler.scheduler_support import ROOT, SchedulerProcess, child_env

from .rawpeer import RawPeer

PAST = {"type": "date", "run_date": "2000-01-01T00:00:00+00:00"}


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    """Keys for the scheduler, the bot and an outsider; only the bot's is allowed."""
    folder = tmp_path / "keys"
    make_keys(folder, ["draftpod-bot", "outsider"])
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "draftpod-bot.key").write_bytes((folder / "draftpod-bot.key").read_bytes())
    return folder


def curve_settings(tmp_path: Path, keys: Path) -> dict[str, str]:
    return {
        "curve_secret_key_file": str(keys / "scheduler.key_secret"),
        "curve_clients_dir": str(tmp_path / "allowed"),
    }


async def bot_works(sched: SchedulerProcess, keys: Path) -> None:
    """The allowed bot registers and runs a job through the scheduler."""
    curve = load_curve_keys(str(keys / "scheduler.key"), str(keys / "draftpod-bot.key_secret"))
    bot = Handler("draftpod-bot", address=sched.zmq, curve=curve, heartbeat_seconds=0.25)
    ran = asyncio.Event()

    @bot.job("echo")
    async def echo(params: dict[str, object]) -> object:
        ran.set()
        return params

    try:
        assert await bot.start(timeout=10)
        await bot.schedule("echo", {"x": 1}, trigger=PAST)
        await asyncio.wait_for(ran.wait(), 10)
    finally:
        await bot.stop(grace=0)


async def test_an_allowed_key_works_end_to_end(
    schedulers: Callable[..., SchedulerProcess], tmp_path: Path, keys: Path
) -> None:
    sched = await schedulers().start(**curve_settings(tmp_path, keys))
    await bot_works(sched, keys)
    assert "CURVE on: 1 allowed client keys" in sched.log_text()


@pytest.mark.parametrize("who", ["unknown key", "plain client", "bot's key, other id"])
async def test_others_are_refused_and_the_server_lives_on(
    schedulers: Callable[..., SchedulerProcess], tmp_path: Path, keys: Path, who: str
) -> None:
    """An unknown key and a plain client never get an answer (the handshake fails, ZAP says
    no); the bot's own key registering another id is refused. The bot then still works."""
    sched = await schedulers().start(**curve_settings(tmp_path, keys))
    options: dict[str, bytes] = {}
    identity = b"intruder" if who == "bot's key, other id" else b"draftpod-bot"
    if who != "plain client":
        name = "outsider" if who == "unknown key" else "draftpod-bot"
        own = load_curve_keys(str(keys / "scheduler.key"), str(keys / f"{name}.key_secret"))
        options = {
            "CURVE_SERVERKEY": own.server_public,
            "CURVE_PUBLICKEY": own.public,
            "CURVE_SECRETKEY": own.secret,
        }
    peer = RawPeer(sched.zmq, identity, **options)
    try:
        await peer.send(p.Register(identity.decode(), ("pick_timeout",)))
        if who == "bot's key, other id":
            assert (await peer.expect(p.Error)).code == "unauthorized"
        else:
            with pytest.raises(TimeoutError):
                await peer.expect(p.Message, timeout=2)
    finally:
        peer.close()
    await bot_works(sched, keys)
    assert sched.alive
    log = sched.log_text()
    assert "handler intruder registered" not in log
    assert log.count("registered: echo") == 1
    if who == "unknown key":
        assert "refused a CURVE client with an unknown key" in log


def run_scheduler(folder: Path, **settings: object) -> subprocess.CompletedProcess[str]:
    """``python -m scheduler`` with these settings, expected to refuse at once."""
    config = SchedulerProcess(folder).write_config(**settings)
    return subprocess.run(
        [sys.executable, "-m", "scheduler", "--config", str(config)],
        cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_scheduler_off_loopback_without_keys_refuses_to_start(tmp_path: Path) -> None:
    done = run_scheduler(tmp_path, zmq_address="tcp://0.0.0.0:0")
    assert done.returncode == 2
    assert "is not loopback" in done.stderr and "curve_secret_key_file" in done.stderr


def test_curve_without_an_allow_list_refuses_to_start(tmp_path: Path, keys: Path) -> None:
    done = run_scheduler(tmp_path, curve_secret_key_file=str(keys / "scheduler.key_secret"))
    assert done.returncode == 2 and "go together" in done.stderr


def test_the_bot_off_loopback_without_keys_refuses_to_start(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("scheduler:\n  zmq_address: tcp://10.1.2.3:5555\n")
    done = subprocess.run(
        [sys.executable, "-m", "draftpod.cli", "--config", str(config), "bot"],
        cwd=ROOT, env=child_env(DISCORD_TOKEN="x"), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "is not loopback" in done.stderr and "bot.curve_server_key_file" in done.stderr


async def test_http_off_loopback_without_a_token_binds_loopback(
    schedulers: Callable[..., SchedulerProcess],
) -> None:
    sched = await schedulers().start(http_host="0.0.0.0")
    assert sched.http.startswith("http://127.0.0.1:")
    assert "listens on 127.0.0.1 only" in sched.log_text()


async def test_http_with_a_token_refuses_requests_without_it(
    schedulers: Callable[..., SchedulerProcess],
) -> None:
    sched = await schedulers("guarded", DRAFTPOD_API_TOKEN="t0ken").start()
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "t0ken"}):
            async with http.get(f"{sched.http}/api/jobs", headers=headers) as response:
                assert response.status == 401
        auth = {"Authorization": "Bearer t0ken"}
        async with http.get(f"{sched.http}/api/jobs", headers=auth) as response:
            assert response.status == 200
    assert "t0ken" not in sched.log_text()


# --- a second connection with a live handler's id --------------------------------------------


async def test_a_second_live_connection_cannot_take_a_handlers_id(
    schedulers: Callable[..., SchedulerProcess],
) -> None:
    """With the right token, a second process registering the bot's id while the bot is alive
    is refused and gets none of its jobs; the bot keeps its route."""
    sched = await schedulers("guarded", DRAFTPOD_API_TOKEN="s3cret").start()
    bot = Handler("bot", address=sched.zmq, token="s3cret", heartbeat_seconds=0.25)
    ran = asyncio.Event()

    @bot.job("echo")
    async def echo(params: dict[str, object]) -> object:
        ran.set()
        return params

    assert await bot.start(timeout=10)
    impostor = RawPeer(sched.zmq, b"bot\x00impostor")
    try:
        impostor.beat()
        await impostor.send(p.Register("bot", ("echo",), token="s3cret"))
        refused = await impostor.expect(p.Error)
        assert refused.code == "rejected" and "in use" in refused.reason
        await bot.schedule("echo", {}, trigger=PAST)
        await asyncio.wait_for(ran.wait(), 10)
        with pytest.raises(TimeoutError):
            await impostor.expect(p.Run, timeout=1)
        assert bot.registered
    finally:
        impostor.close()
        await bot.stop(grace=0)


async def test_a_restarted_handler_takes_its_id_over(
    schedulers: Callable[..., SchedulerProcess],
) -> None:
    """A handler gone without a word (its socket just closes, as at a kill -9) is replaced by
    its restart once it has missed its heartbeats; the restart gets the jobs."""
    sched = await schedulers().start()
    first = Handler("bot", address=sched.zmq, heartbeat_seconds=0.25)
    first.add_job("echo", _echo)
    assert await first.start(timeout=10)
    await first.stop(grace=0)
    second = Handler("bot", address=sched.zmq, heartbeat_seconds=0.25)
    ran = asyncio.Event()

    async def echo(params: dict[str, object]) -> object:
        ran.set()
        return params

    second.add_job("echo", echo)
    try:
        assert await second.start(timeout=10)
        await second.schedule("echo", {}, trigger=PAST)
        await asyncio.wait_for(ran.wait(), 10)
    finally:
        await second.stop(grace=0)


async def test_takeover_can_be_allowed(schedulers: Callable[..., SchedulerProcess]) -> None:
    sched = await schedulers().start(allow_takeover="true")
    bot = Handler("bot", address=sched.zmq, heartbeat_seconds=0.25)
    bot.add_job("echo", _echo)
    assert await bot.start(timeout=10)
    other = RawPeer(sched.zmq, b"bot\x00other")
    try:
        await other.send(p.Register("bot", ("echo",)))
        assert isinstance(await other.expect(p.Registered), p.Registered)
    finally:
        other.close()
        await bot.stop(grace=0)


async def _echo(params: dict[str, object]) -> object:
    return params
