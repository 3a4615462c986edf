"""Test support: real scheduler and handler processes, a recording handler, condition waits."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scheduler.client import Handler
from tests.backends import BACKENDS

ROOT = Path(__file__).resolve().parents[2]
READY = re.compile(rb"scheduler ready zmq=(\S+) http=(\S*)")
HANDLER_SCRIPT = Path(__file__).with_name("handler_process.py")

# A module or test marked with this runs on every back end in BACKENDS (see conftest.py).
EVERY_BACKEND = pytest.mark.parametrize("backend", BACKENDS, indirect=True)

FAST = {
    "heartbeat_seconds": 0.25,
    "resend_initial_seconds": 0.2,
    "resend_max_seconds": 1.0,
}


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: ours, with the repository first on its import path
    (and whatever was on ours after it, such as a folder holding an optional driver)."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return {**os.environ, "PYTHONPATH": path, **extra}


async def wait_until(
    condition: Callable[[], Any], *, timeout: float = 10.0, what: str = "condition"
) -> Any:
    """Poll ``condition`` (sync or async) until truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if isinstance(value, Awaitable):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)


@dataclass
class SchedulerProcess:
    """``python -m scheduler`` with its own config, database and log in a temporary folder.

    ``database_url`` names another store (a PostgreSQL database); empty, a SQLite file in
    ``folder``.
    """

    folder: Path
    env: dict[str, str] = field(default_factory=dict)
    database_url: str = ""
    zmq_port: int = 0
    http_port: int = 0
    proc: asyncio.subprocess.Process | None = None
    zmq: str = ""
    http: str = ""
    restarts: int = 0
    via_cli: bool = False

    @property
    def database(self) -> Path:
        """The SQLite file (used unless ``database_url`` names another store)."""
        return self.folder / "scheduler.sqlite3"

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.database}"

    def write_config(self, **overrides: Any) -> Path:
        settings = {
            **FAST,
            "zmq_address": f"tcp://127.0.0.1:{self.zmq_port}",
            "http_port": self.http_port,
            "database_url": self.store_url,
            **overrides,
        }
        lines = ["paths:", f"  var_dir: {self.folder}", "scheduler:"]
        lines += [f"  {key}: {value}" for key, value in settings.items()]
        path = self.folder / "config.yaml"
        path.write_text("\n".join(lines) + "\n")
        return path

    async def start(self, **overrides: Any) -> SchedulerProcess:
        config = self.write_config(**overrides)
        log = open(self.folder / f"scheduler-{self.restarts}.log", "wb")  # noqa: SIM115
        self.restarts += 1
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "scheduler",
            "--config",
            str(config),
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
            env=child_env(**self.env),
        )
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), 20)
        match = READY.search(line)
        if match is None:
            await self.proc.wait()
            raise AssertionError(f"scheduler did not start: {line!r}\n{self.log_text()}")
        self.zmq, self.http = match.group(1).decode(), match.group(2).decode()
        self.zmq_port = int(self.zmq.rsplit(":", 1)[1])
        self.http_port = int(self.http.rsplit(":", 1)[1]) if self.http else 0
        return self

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.folder.glob("*.log")))

    async def kill(self, sig: int = signal.SIGKILL) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        code = await asyncio.wait_for(self.proc.wait(), 20)
        self.proc = None
        return code

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None


@dataclass
class HandlerProcess:
    """A handler in its own process that appends every run it executes to a file."""

    address: str
    handler_id: str
    record: Path
    proc: asyncio.subprocess.Process | None = None

    async def start(self, *, hold: bool = False) -> HandlerProcess:
        """Start the process; with ``hold`` its ``hold`` job waits until the process is killed."""
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(HANDLER_SCRIPT),
            self.address,
            self.handler_id,
            str(self.record),
            *(["--hold"] if hold else []),
            cwd=ROOT,
            env=child_env(),
        )
        return self

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        await self.proc.wait()

    def runs(self) -> list[str]:
        if not self.record.exists():
            return []
        return [line for line in self.record.read_text().splitlines() if line]


POD_METHODS = ("pick_timeout", "pick_warning", "lobby_expired", "pod_idle", "pod_cleanup")


class Recorder:
    """A handler in the test's own loop that records every run's method and params."""

    def __init__(self, address: str, handler_id: str = "bot") -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.handler = Handler(handler_id, address=address, heartbeat_seconds=0.25, ack_timeout=0.5)
        for method in ("echo", *POD_METHODS):
            self.handler.add_job(method, self._recorder(method))

    def _recorder(self, method: str) -> Any:
        async def run(params: dict[str, Any]) -> Any:
            self.calls.append((method, params))
            return {"echo": params}

        return run

    def of(self, method: str, pod: str | None = None) -> list[dict[str, Any]]:
        """The params of every run of ``method`` (for ``pod`` only, when given)."""
        return [
            params
            for m, params in self.calls
            if m == method and (pod is None or params.get("pod") == pod)
        ]
