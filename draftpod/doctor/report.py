"""What a check found, and the report that prints it with every secret blanked."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import aiohttp

Status = Literal["ok", "FAIL", "skip"]

TOKEN_ENV = "DISCORD_TOKEN"
API_TOKEN_ENV = "DRAFTPOD_API_TOKEN"


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one check: what was found and, for a failure, what to do about it."""

    name: str
    status: Status
    found: str
    fix: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "FAIL"

    def line(self) -> str:
        text = f"{self.status:<4}  {self.name:<12} {self.found}"
        return f"{text} -> {self.fix}" if self.fix else text


def ok(name: str, found: str) -> Check:
    return Check(name, "ok", found)


def fail(name: str, found: str, fix: str) -> Check:
    return Check(name, "FAIL", found, fix)


def skip(name: str, why: str) -> Check:
    return Check(name, "skip", why)


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line chose; the defaults are the command's."""

    timeout: float = 5.0
    discord_api: str | None = None
    skip_discord: bool = False
    job_wait: float = 10.0


@dataclass
class Report:
    """Writes each check's line as it is known, with every secret value blanked."""

    emit: Callable[[str], None]
    secrets: Sequence[str] = ()
    checks: list[Check] = field(default_factory=list)

    def add(self, *checks: Check) -> None:
        for check in checks:
            self.checks.append(check)
            self.emit(self.redact(check.line()))

    def redact(self, text: str) -> str:
        for value in self.secrets:
            if len(value) >= 4:
                text = text.replace(value, "[hidden]")
        return text

    def summary(self) -> str:
        failed = [c.name for c in self.checks if c.failed]
        skipped = sum(c.status == "skip" for c in self.checks)
        passed = sum(c.status == "ok" for c in self.checks)
        counts = f"{passed} ok, {len(failed)} failed, {skipped} skipped"
        if failed:
            return f"doctor: {counts}: fix {', '.join(failed)} (in that order) and run it again"
        return f"doctor: {counts}: every required check passed"


def exit_code(checks: Iterable[Check]) -> int:
    """0 when no check failed (a skipped check is not a failure), else 1."""
    return 1 if any(c.failed for c in checks) else 0


def secret(environ: Mapping[str, str], name: str) -> str | None:
    """A secret from ``environ`` the way :func:`draftpod.config.secret` reads it."""
    value = environ.get(name, "").strip()
    return value or None


def reason(exc: BaseException, timeout: float | None = None) -> str:
    """A person's reading of a network or database error, without a traceback."""
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s" if timeout is not None else "timed out"
    if isinstance(exc, aiohttp.ClientConnectorError):
        if isinstance(exc.os_error, ConnectionRefusedError):
            return "connection refused (nothing listens there)"
        return exc.os_error.strerror or str(exc.os_error) or str(exc)
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def show_path(path: Path) -> str:
    """A path relative to the working folder when it lies inside it (as people write them)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)
