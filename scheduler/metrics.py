"""Counters the scheduler keeps about itself, rendered as Prometheus text for ``GET /metrics``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# A run that fires later than this after its due time counts as late (a restart, a stall).
LATE_AFTER_SECONDS = 1.0


@dataclass
class Metrics:
    fired: int = 0
    late: int = 0
    lateness_sum: float = 0.0
    lateness_max: float = 0.0
    delivered: int = 0
    retried: int = 0
    succeeded: int = 0
    failed: int = 0
    bad_frames: int = 0
    requests: int = 0

    def record_fire(self, lateness: float) -> None:
        self.fired += 1
        lateness = max(0.0, lateness)
        self.lateness_sum += lateness
        self.lateness_max = max(self.lateness_max, lateness)
        if lateness > LATE_AFTER_SECONDS:
            self.late += 1

    def render(self, gauges: Mapping[str, float]) -> str:
        """The Prometheus text exposition: these counters plus the caller's gauges."""
        counters: dict[str, tuple[float, str]] = {
            "fired": (self.fired, "Job runs fired (deadlines come due, recurring jobs)."),
            "late": (self.late, f"Runs fired more than {LATE_AFTER_SECONDS:g} s after due."),
            "delivered": (self.delivered, "Run deliveries sent to handlers, resends included."),
            "retried": (self.retried, "Run deliveries that were resends."),
            "succeeded": (self.succeeded, "Runs whose handler reported success."),
            "failed": (self.failed, "Runs whose handler reported an error."),
            "bad_frames": (self.bad_frames, "Frames refused by the protocol."),
            "requests": (self.requests, "Handler requests committed and acknowledged."),
        }
        lines: list[str] = []
        for name, (value, text) in counters.items():
            metric = f"draftpod_scheduler_{name}_total"
            lines += [f"# HELP {metric} {text}", f"# TYPE {metric} counter", f"{metric} {value}"]
        lines += [
            "# HELP draftpod_scheduler_lateness_seconds Fire time minus due time.",
            "# TYPE draftpod_scheduler_lateness_seconds summary",
            f"draftpod_scheduler_lateness_seconds_sum {self.lateness_sum:.6f}",
            f"draftpod_scheduler_lateness_seconds_count {self.fired}",
            "# HELP draftpod_scheduler_lateness_max_seconds Largest lateness since start.",
            "# TYPE draftpod_scheduler_lateness_max_seconds gauge",
            f"draftpod_scheduler_lateness_max_seconds {self.lateness_max:.6f}",
        ]
        for name, value in gauges.items():
            metric = f"draftpod_scheduler_{name}"
            lines += [f"# TYPE {metric} gauge", f"{metric} {value:g}"]
        return "\n".join(lines) + "\n"
