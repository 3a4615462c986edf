"""Child processes for the launcher: start one, wait for its ready line, log it, stop it.

The scheduler and the bot each print exactly one line on stdout when they are serving
(``scheduler ready zmq=... http=...``, ``bot ready user=... guilds=...``) and log to stderr. A
launcher (``draftpod run``, ``draftpod demo``) needs the same four things from both: start with a
config file and an environment, learn from the ready line what the child bound (port 0 picks a
free port, so the line is the only place the address is known), keep its logs in a file a person
can read afterwards, and stop it for sure: SIGTERM first so it closes its stores cleanly, SIGKILL
after a grace so a wedged child never outlives its parent. :class:`Supervisor` adds the one
policy ``draftpod run`` needs: a child that dies on its own is started again, with backoff so a
child that dies at once does not spin.

Only the standard library; nothing here knows what the children are.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from draftpod.config import PROJECT_ROOT

log = logging.getLogger("draftpod.processes")

SCHEDULER_READY = re.compile(r"scheduler ready zmq=(?P<zmq>\S+) http=(?P<http>\S*)")
BOT_READY = re.compile(r"bot ready user=(?P<user>\S+) guilds=(?P<guilds>\d+)")
LOG_TAIL_CHARS = 4000


class ChildFailed(RuntimeError):
    """A child exited or stayed silent before its ready line; the message ends with its log."""


@dataclass(frozen=True)
class ChildSpec:
    """How to start one child: its command, where it logs, what line says it is ready.

    ``env`` is added to this process's environment; ``PYTHONPATH`` always starts with the
    project root, so a child imports the same code as its parent (a worktree, not whatever
    copy is installed in the virtualenv). ``log_path`` None leaves the child's stderr on this
    process's stderr (a service whose logs go to the journal).
    """

    name: str
    argv: Sequence[str]
    ready: re.Pattern[str]
    log_path: Path | None
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path = PROJECT_ROOT
    ready_timeout: float = 60.0
    stop_grace: float = 10.0


def python_module(module: str, *args: str) -> list[str]:
    """``python -m module args...`` with this interpreter (the virtualenv's, in a venv)."""
    return [sys.executable, "-m", module, *args]


def draftpod_command(config: Path | None, *args: str) -> list[str]:
    """``draftpod [--config FILE] args...``, run as ``python -m draftpod`` for the same reason."""
    head = ["--config", str(config)] if config is not None else []
    return python_module("draftpod", *head, *args)


def child_env(extra: Mapping[str, str]) -> dict[str, str]:
    env = {**os.environ, **extra}
    paths = [str(PROJECT_ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def _die_with_parent() -> None:
    """In the forked child (Linux): SIGTERM when the parent dies, however it dies.

    The child runs in its own session so that a Ctrl-C in the terminal reaches only the
    launcher, which then stops its children in order; but a launcher killed with SIGKILL
    cannot stop anything, and a scheduler left behind would hold its store's lock.
    """
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class Child:
    """One running child process. Start it with :meth:`start`; always :meth:`stop` it.

    stderr goes straight to the log file (the child keeps writing there even if this process
    is killed) or, without one, to this process's stderr; stdout is read here for the ready
    line, and every other stdout line goes to the same place, so a chatty child never blocks
    on a full pipe.
    """

    def __init__(self, spec: ChildSpec) -> None:
        self.spec = spec
        self.proc: asyncio.subprocess.Process | None = None
        self.ready_match: re.Match[str] | None = None
        self.started_at = 0.0
        self._log: IO[bytes] | None = None
        self._drain: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode if self.proc is not None else None

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def start(self) -> re.Match[str]:
        """Spawn and wait for the ready line; :class:`ChildFailed` if it never comes.

        On failure the child is stopped before the error is raised, so a caller that gives
        up leaves nothing behind.
        """
        spec = self.spec
        if spec.log_path is not None:
            spec.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(spec.log_path, "ab", buffering=0)  # noqa: SIM115 - closed in stop()
        self._write_log(f"--- {spec.name} starting: {' '.join(spec.argv)}\n".encode())
        self.started_at = time.monotonic()
        self.proc = await asyncio.create_subprocess_exec(
            *spec.argv,
            cwd=spec.cwd,
            env=child_env(spec.env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        try:
            self.ready_match = await asyncio.wait_for(self._read_ready(), spec.ready_timeout)
        except TimeoutError:
            await self.stop()
            raise ChildFailed(
                f"{spec.name} printed no ready line within {spec.ready_timeout:g}s" + self._tail()
            ) from None
        except BaseException:
            await self.stop()
            raise
        self._drain = asyncio.create_task(self._drain_stdout(), name=f"{spec.name}-stdout")
        log.info("%s ready (pid %s): %s", spec.name, self.pid, self.ready_match.group(0))
        return self.ready_match

    async def _read_ready(self) -> re.Match[str]:
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            raw = await self.proc.stdout.readline()
            if not raw:
                code = await self.proc.wait()
                raise ChildFailed(
                    f"{self.spec.name} exited with code {code} before it was ready" + self._tail()
                )
            self._write_log(raw)
            match = self.spec.ready.search(raw.decode(errors="replace"))
            if match is not None:
                return match

    async def _drain_stdout(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        while raw := await self.proc.stdout.readline():
            self._write_log(raw)

    def _write_log(self, raw: bytes) -> None:
        if self.spec.log_path is None:
            sys.stderr.buffer.write(raw)
            sys.stderr.buffer.flush()
        elif self._log is not None and not self._log.closed:
            self._log.write(raw)

    def _tail(self) -> str:
        if self.spec.log_path is None:
            return ""  # it went to this process's stderr, just above
        try:
            text = self.spec.log_path.read_text(errors="replace")
        except OSError:
            return ""
        tail = text[-LOG_TAIL_CHARS:].rstrip()
        return f"\n--- last lines of {self.spec.log_path}:\n{tail}" if tail else ""

    def log_tail(self) -> str:
        """The end of the child's log, for an error message."""
        return self._tail()

    async def wait(self) -> int:
        """Until the child exits; its exit code (negative: the signal that ended it)."""
        assert self.proc is not None, "not started"
        return await self.proc.wait()

    async def stop(self, grace: float | None = None) -> int | None:
        """SIGTERM, then SIGKILL after ``grace`` seconds; the exit code. Safe to call twice.

        The child runs in its own session, so the signal goes to its process group: anything
        it started goes too.
        """
        proc = self.proc
        if proc is None:
            return None
        grace = self.spec.stop_grace if grace is None else grace
        if proc.returncode is None:
            self._signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), grace)
            except TimeoutError:
                log.warning("%s ignored SIGTERM for %gs; killing it", self.spec.name, grace)
                self._signal(signal.SIGKILL)
                await proc.wait()
        if self._drain is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._drain, 2.0)
            self._drain = None
        self._write_log(f"--- {self.spec.name} exited with code {proc.returncode}\n".encode())
        if self._log is not None:
            self._log.close()
            self._log = None
        return proc.returncode

    async def kill(self) -> int | None:
        """SIGKILL now, as a crash would end it (no clean-up in the child); the exit code.

        For fault tests: the child's stores are left as a power cut would leave them.
        """
        if self.proc is not None and self.proc.returncode is None:
            self._signal(signal.SIGKILL)
            await self.proc.wait()
        return await self.stop()

    def _signal(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            self.proc.send_signal(sig)


@dataclass(frozen=True)
class Backoff:
    """Delays between restarts: ``initial`` doubling up to ``maximum``; reset after a child
    stayed up ``healthy_after`` seconds, so one crash a day is not punished like a crash loop."""

    initial: float = 0.5
    maximum: float = 30.0
    healthy_after: float = 30.0

    def next(self, previous: float) -> float:
        return self.initial if previous <= 0 else min(self.maximum, previous * 2)


class Supervisor:
    """Keeps one child running: started again with backoff whenever it dies on its own.

    The first start must succeed (a child that cannot start at all is a configuration
    problem to report, not to retry forever); after that every unexpected exit is logged and
    followed by a restart. An exit code in ``fatal_codes`` (e.g. 2, bad settings) stops the
    restarts. ``on_ready`` is called with each new ready line (a restarted child may have bound
    a new port).
    """

    def __init__(
        self,
        spec: ChildSpec,
        *,
        backoff: Backoff = Backoff(),
        fatal_codes: frozenset[int] = frozenset(),
        on_ready: Callable[[re.Match[str]], None] | None = None,
    ) -> None:
        self.spec = spec
        self.backoff = backoff
        self.fatal_codes = fatal_codes
        self.on_ready = on_ready
        self.child: Child | None = None
        self.restarts = 0
        self.gave_up: int | None = None
        # Set when the supervisor stopped restarting: stopped, or a fatal exit code.
        self.finished = asyncio.Event()
        self._stopping = asyncio.Event()
        self._watch: asyncio.Task[None] | None = None

    async def start(self) -> re.Match[str]:
        self.child = Child(self.spec)
        match = await self.child.start()
        if self.on_ready is not None:
            self.on_ready(match)
        self._watch = asyncio.create_task(self._watch_loop(), name=f"{self.spec.name}-supervisor")
        return match

    async def _watch_loop(self) -> None:
        delay = 0.0
        try:
            while True:
                assert self.child is not None
                code = await self.child.wait()
                if self._stopping.is_set():
                    return
                uptime = time.monotonic() - self.child.started_at
                await self.child.stop()
                if code in self.fatal_codes:
                    log.error("%s exited with code %s; not restarting it", self.spec.name, code)
                    self.gave_up = code
                    return
                if uptime >= self.backoff.healthy_after:
                    delay = 0.0
                delay = self.backoff.next(delay)
                log.warning(
                    "%s exited with code %s after %.1fs; restarting in %.1fs",
                    self.spec.name, code, uptime, delay,
                )  # fmt: skip
                if not await self._restart(delay):
                    return
        finally:
            self.finished.set()

    async def _restart(self, delay: float) -> bool:
        """Start the child again after ``delay``, retrying with backoff; False when stopped."""
        while not await self._sleep(delay):
            self.restarts += 1
            self.child = Child(self.spec)
            try:
                match = await self.child.start()
            except ChildFailed as exc:
                delay = self.backoff.next(delay)
                first = str(exc).splitlines()[0]
                log.warning("%s: %s; next try in %.1fs", self.spec.name, first, delay)
                continue
            if self.on_ready is not None:
                self.on_ready(match)
            return True
        return False

    async def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds`` or until stopped; True when stopped."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
        return self._stopping.is_set()

    async def stop(self) -> int | None:
        """Stop restarting, then stop the child; its exit code."""
        self._stopping.set()
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
            self._watch = None
        return await self.child.stop() if self.child is not None else None
