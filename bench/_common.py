"""Shared by the benchmarks: a scheduler process in a temporary folder, and percentiles."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY = re.compile(rb"scheduler ready zmq=(\S+) http=(\S*)")


@dataclass(frozen=True)
class Running:
    zmq: str
    http: str
    folder: Path


@asynccontextmanager
async def scheduler_process(**settings: object) -> AsyncIterator[Running]:
    """``python -m scheduler`` on free ports with a fresh SQLite store (WAL) in a temp folder."""
    with tempfile.TemporaryDirectory(prefix="draftpod-bench-") as tmp:
        folder = Path(tmp)
        values = {
            "zmq_address": "tcp://127.0.0.1:0",
            "http_port": 0,
            "database_url": f"sqlite:///{folder / 'scheduler.sqlite3'}",
            "idle_after_seconds": 3600,
            **settings,
        }
        config = folder / "config.yaml"
        lines = ["paths:", f"  var_dir: {folder}", "scheduler:"]
        config.write_text("\n".join(lines + [f"  {k}: {v}" for k, v in values.items()]) + "\n")
        with open(folder / "scheduler.log", "wb") as log:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "scheduler",
                "--config",
                str(config),
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            assert proc.stdout is not None
            match = READY.search(await asyncio.wait_for(proc.stdout.readline(), 30))
            if match is None:
                raise RuntimeError((folder / "scheduler.log").read_text())
            try:
                yield Running(match.group(1).decode(), match.group(2).decode(), folder)
            finally:
                proc.send_signal(signal.SIGTERM)
                await proc.wait()


def summary(samples: list[float], scale: float = 1000.0) -> dict[str, float]:
    """p50, p99 and max of ``samples`` (seconds), times ``scale`` (milliseconds by default)."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "p50": statistics.median(ordered) * scale,
        "p99": p99 * scale,
        "max": ordered[-1] * scale,
    }


def show(label: str, stats: dict[str, float], unit: str = "ms") -> str:
    return f"{label:<44} " + "  ".join(f"{k} {v:8.2f} {unit}" for k, v in stats.items())


@asynccontextmanager
async def echo_process() -> AsyncIterator[str]:
    """The bare ROUTER echo (``bench/_echo.py``) in its own process; yields its endpoint."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(Path(__file__).with_name("_echo.py")), stdout=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None
    endpoint = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode().strip()
    try:
        yield endpoint
    finally:
        proc.kill()
        await proc.wait()
