"""``draftpod run``: the token check, the scheduler as a child, and the order of stopping.

The bot itself is replaced by a stand-in coroutine: what is under test is the launcher.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from draftpod import cli
from draftpod.commands import run as run_command
from draftpod.config import Config


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"paths:\n  var_dir: {tmp_path / 'var'}\n  logs_dir: {tmp_path / 'logs'}\n"
        "scheduler:\n  zmq_address: tcp://127.0.0.1:0\n  http_port: 0\n"
        "  heartbeat_seconds: 0.25\n"
    )
    return path


def test_without_a_token_it_says_so_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert cli.main(["--config", str(write_config(tmp_path)), "run"]) == 2
    assert "DISCORD_TOKEN is not set" in capsys.readouterr().err
    assert not (tmp_path / "var").exists()  # nothing was started


def test_the_bot_gets_the_bound_scheduler_and_both_stop_on_sigterm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    seen: list[str] = []

    async def fake_bot(config: Config, token: str, stop: asyncio.Event) -> None:
        seen.append(config.scheduler.zmq_address)
        assert token == "t0ken"
        os.kill(os.getpid(), signal.SIGTERM)
        await stop.wait()  # the launcher asks the bot to stop before it stops the scheduler
        seen.append("stopped")

    monkeypatch.setenv("DISCORD_TOKEN", "t0ken")
    monkeypatch.setattr(run_command, "_bot", fake_bot)
    assert cli.main(["--config", str(write_config(tmp_path)), "run"]) == 0
    assert len(seen) == 2 and not seen[0].endswith(":0")  # the address it really bound
    err = capfd.readouterr().err  # the scheduler logs where the launcher does, by default
    assert "scheduler ready" in err
    assert err.rstrip().endswith("scheduler exited with code 0")


def test_a_bot_that_fails_stops_the_scheduler_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def failing_bot(config: Config, token: str, stop: asyncio.Event) -> None:
        raise RuntimeError("no gateway")

    monkeypatch.setenv("DISCORD_TOKEN", "t0ken")
    monkeypatch.setattr(run_command, "_bot", failing_bot)
    log_file = tmp_path / "scheduler.log"
    argv = ["--config", str(write_config(tmp_path)), "run", "--scheduler-log", str(log_file)]
    assert cli.main(argv) == 1
    log = log_file.read_text()
    assert log.rstrip().endswith("scheduler exited with code 0")
