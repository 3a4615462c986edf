"""What a demo run was asked for, the folder it writes, and the settings its children read."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from draftpod.config import Config, TimerPolicyName

# What a run leaves in its folder; only these are removed when the folder is reused, so
# pointing --out at the wrong folder never deletes anything else.
RUN_OUTPUTS = (
    "var",
    "logs",
    "config.yaml",
    "scheduler.log",
    "bot.log",
    "transcript.html",
    "summary.json",
)


@dataclass(frozen=True)
class DemoOptions:
    """The command line of ``draftpod demo``, checked."""

    out: Path
    pods: int = 2
    players: int = 4
    seats: int = 8
    packs: int = 3
    pick_seconds: int = 4
    timer: TimerPolicyName = "fixed"
    seed: int = 1
    set_code: str = "NEO"
    slow: float = 0.02
    live: bool = True

    @property
    def bots(self) -> int:
        """Bot drafters per pod: every seat no simulated human takes."""
        return self.seats - self.players

    def problems(self, config: Config) -> list[str]:
        """Why these options cannot run, in words for the command line; empty when they can."""
        found: list[str] = []
        low, high = config.draft.min_seats, config.draft.max_seats
        if self.pods < 1:
            found.append(f"--pods must be at least 1, not {self.pods}")
        if not low <= self.seats <= high:
            found.append(f"--seats must be between {low} and {high}, not {self.seats}")
        if not 1 <= self.players <= self.seats:
            found.append(f"--players must be between 1 and --seats ({self.seats})")
        if not 1 <= self.packs <= 5:
            found.append(f"--packs must be between 1 and 5, not {self.packs}")
        if not 1 <= self.pick_seconds <= 600:
            found.append(f"--pick-time must be between 1 and 600 seconds, not {self.pick_seconds}")
        if not 0.0 <= self.slow <= 1.0:
            found.append(f"--slow must be a share between 0 and 1, not {self.slow}")
        return found


@dataclass(frozen=True)
class RunFolder:
    """The folder of one run: settings, process logs, MTGO logs, transcript, summary."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.yaml"

    @property
    def var_dir(self) -> Path:
        return self.root / "var"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def scheduler_log(self) -> Path:
        return self.root / "scheduler.log"

    @property
    def bot_log(self) -> Path:
        return self.root / "bot.log"

    @property
    def transcript(self) -> Path:
        return self.root / "transcript.html"

    @property
    def summary(self) -> Path:
        return self.root / "summary.json"

    def prepare(self) -> None:
        """Make the folder, clearing what an earlier run left (and only that): every figure
        and log of a run must come from that run, and a stale MTGO log would pass the check
        that each player's log exists."""
        self.root.mkdir(parents=True, exist_ok=True)
        for name in RUN_OUTPUTS:
            path = self.root / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
        self.var_dir.mkdir()
        self.logs_dir.mkdir()

    def write_config(
        self, base: Config, options: DemoOptions, *, zmq_address: str, http_port: int
    ) -> Path:
        """The settings both children read. Heartbeats and resends are fast so that a child
        that stops is noticed in about a second, not the production six; the lobby outlives
        the run; the ports are those the scheduler really bound (port 0 on the first write)."""
        settings: dict[str, Any] = {
            "paths": {
                "sets_dir": str(base.paths.sets_dir),
                "logs_dir": str(self.logs_dir),
                "var_dir": str(self.var_dir),
            },
            "draft": {
                "pick_seconds": options.pick_seconds,
                "timer_policy": options.timer,
                "warning_seconds": 0,
                "packs_per_player": options.packs,
            },
            "scheduler": {
                "zmq_address": zmq_address,
                "http_host": "127.0.0.1",
                "http_port": http_port,
                "database_url": "",
                "heartbeat_seconds": 0.5,
                "resend_initial_seconds": 0.2,
                "resend_max_seconds": 2.0,
            },
        }
        header = "# Written by `draftpod demo` for this run; both child processes read it.\n"
        self.config.write_text(header + yaml.safe_dump(settings, sort_keys=False))
        return self.config
