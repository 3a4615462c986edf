"""The child-process helper against a tiny child script: ready lines, logs, stopping, restarts."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import pytest

from draftpod.processes import Backoff, Child, ChildFailed, ChildSpec, Supervisor

CHILD = Path(__file__).with_name("process_child.py")
READY = re.compile(r"child ready pid=(?P<pid>\d+) start=(?P<start>\d+)")


def spec(tmp_path: Path, *args: str, ready_timeout: float = 20.0, grace: float = 5.0) -> ChildSpec:
    return ChildSpec(
        name="child",
        argv=[sys.executable, str(CHILD), "--starts", str(tmp_path / "starts"), *args],
        ready=READY,
        log_path=tmp_path / "child.log",
        ready_timeout=ready_timeout,
        stop_grace=grace,
    )


def starts(tmp_path: Path) -> int:
    path = tmp_path / "starts"
    return len(path.read_text().splitlines()) if path.exists() else 0


async def test_start_returns_the_ready_line_and_logs_both_streams(tmp_path: Path) -> None:
    child = Child(spec(tmp_path))
    match = await child.start()
    try:
        assert int(match["pid"]) == child.pid
        assert child.alive
    finally:
        assert await child.stop() == 0
    log = (tmp_path / "child.log").read_text()
    assert "child 1 warming up" in log  # stderr
    assert "some noise before the ready line" in log  # stdout before the ready line
    assert "child stopping on SIGTERM" in log
    assert "exited with code 0" in log


async def test_a_child_that_exits_before_ready_fails_with_its_log(tmp_path: Path) -> None:
    child = Child(spec(tmp_path, "--plan", "fail", "--exit-code", "7"))
    with pytest.raises(ChildFailed, match="exited with code 7") as caught:
        await child.start()
    assert "child failing on purpose" in str(caught.value)
    assert not child.alive


async def test_a_silent_child_times_out_and_is_stopped(tmp_path: Path) -> None:
    child = Child(spec(tmp_path, "--silent", ready_timeout=0.5))
    with pytest.raises(ChildFailed, match=r"no ready line within 0\.5s"):
        await child.start()
    assert not child.alive
    assert child.returncode == 0  # stopped by SIGTERM, not left running


async def test_a_child_ignoring_sigterm_is_killed_after_the_grace(tmp_path: Path) -> None:
    child = Child(spec(tmp_path, "--ignore-term", grace=0.3))
    await child.start()
    assert await child.stop() == -9
    assert await child.stop() == -9  # twice is harmless


async def test_a_chatty_child_never_blocks_on_its_stdout(tmp_path: Path) -> None:
    child = Child(spec(tmp_path, "--chatty"))
    await child.start()
    assert await child.stop() == 0  # it reached its SIGTERM wait: stdout was drained
    assert "chatter 19999" in (tmp_path / "child.log").read_text()


async def test_the_supervisor_restarts_a_dead_child_through_failed_starts(tmp_path: Path) -> None:
    readies: list[int] = []
    again = asyncio.Event()

    def ready(match: re.Match[str]) -> None:
        readies.append(int(match["start"]))
        if len(readies) == 2:
            again.set()

    supervisor = Supervisor(
        spec(tmp_path, "--plan", "die,fail,ok"),
        backoff=Backoff(initial=0.05, maximum=0.2),
        on_ready=ready,
    )
    await supervisor.start()
    try:
        await asyncio.wait_for(again.wait(), 20)
        assert readies == [1, 3]
        assert supervisor.restarts == 2  # one failed attempt, one good one
        assert supervisor.child is not None and supervisor.child.alive
    finally:
        assert await supervisor.stop() == 0
    assert starts(tmp_path) == 3


async def test_a_fatal_exit_code_stops_the_restarts(tmp_path: Path) -> None:
    supervisor = Supervisor(
        spec(tmp_path, "--plan", "die", "--exit-code", "2"),
        backoff=Backoff(initial=0.05),
        fatal_codes=frozenset({2}),
    )
    await supervisor.start()
    await asyncio.wait_for(supervisor.finished.wait(), 20)
    assert supervisor.gave_up == 2
    assert starts(tmp_path) == 1
    await supervisor.stop()


async def test_stop_during_the_backoff_restarts_nothing(tmp_path: Path) -> None:
    supervisor = Supervisor(spec(tmp_path, "--plan", "die"), backoff=Backoff(initial=60))
    await supervisor.start()
    assert supervisor.child is not None
    await asyncio.wait_for(supervisor.child.wait(), 20)
    await asyncio.wait_for(supervisor.stop(), 5)
    assert supervisor.finished.is_set()
    assert starts(tmp_path) == 1


async def test_the_first_start_must_succeed(tmp_path: Path) -> None:
    supervisor = Supervisor(spec(tmp_path, "--plan", "fail"))
    with pytest.raises(ChildFailed):
        await supervisor.start()
    await supervisor.stop()
    assert starts(tmp_path) == 1
