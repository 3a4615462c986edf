"""Live progress of the pods: one line each, redrawn in place about once a second.

On a terminal the lines are rewritten where they stand; into a file or a pipe (CI, ``make``
under ``tee``) a redraw would be noise, so the lines are printed only when they changed and at
most every few seconds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import TextIO

from draftpod.demo.players import PodRun

PIPE_INTERVAL = 5.0


def pod_line(pod: PodRun, packs: int) -> str:
    """``pod 3  drafting  pick 17/45  picks 61/180  holding 3  waiting 1  auto 2  done 0/4``."""
    players = pod.players
    size = max((p.stats.pack_size for p in players), default=0)
    per_player = packs * size
    picks = sum(p.stats.picks for p in players)
    holding = sum(1 for p in players if p.state == "thinking")
    waiting = sum(1 for p in players if p.state == "waiting")
    done = sum(1 for p in players if p.state == "done")
    stuck = sum(1 for p in players if p.state == "stuck")
    autos = sum(p.stats.autopicks for p in players)
    numbers = [p.stats.last_pick_no for p in players if p.stats.last_pick_no]
    at = (
        f"{min(numbers)}-{max(numbers)}"
        if numbers and min(numbers) != max(numbers)
        else (str(numbers[0]) if numbers else "-")
    )
    total = f"/{per_player * len(players)}" if per_player else ""
    of = f"/{per_player}" if per_player else ""
    line = (
        f"pod {pod.pod or pod.index + 1:<4} {pod.status:<9} pick {at}{of}  picks {picks}{total}  "
        f"holding {holding}  waiting {waiting}  auto {autos}  done {done}/{len(players)}"
    )
    return line + (f"  STUCK {stuck}" if stuck else "")


class Progress:
    def __init__(self, pods: Sequence[PodRun], packs: int, stream: TextIO = sys.stderr) -> None:
        self.pods = pods
        self.packs = packs
        self.stream = stream
        self.live = stream.isatty()
        self._drawn = 0
        self._last: list[str] = []
        self._printed_at = 0.0

    def lines(self) -> list[str]:
        return [pod_line(pod, self.packs) for pod in self.pods]

    def refresh(self, *, force: bool = False) -> None:
        lines = self.lines()
        if self.live:
            if self._drawn:
                self.stream.write(f"\x1b[{self._drawn}F")
            for line in lines:
                self.stream.write("\x1b[2K" + line + "\n")
            self._drawn = len(lines)
        else:
            now = time.monotonic()
            changed = lines != self._last
            if not (force or (changed and now - self._printed_at >= PIPE_INTERVAL)):
                return
            self._printed_at = now
            self.stream.write("\n".join(lines) + "\n")
        self._last = lines
        self.stream.flush()

    def close(self) -> None:
        """Leave the last state on screen (and in a log) once."""
        self.refresh(force=True)
        self._drawn = 0
