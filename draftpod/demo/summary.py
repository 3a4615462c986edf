"""The figures of a demo run: ``summary.json``, the table printed at the end, the log checks.

Each figure says where it was measured, because they come from three places: the players (pick
to next pack, as a person would feel it), the scheduler (how late each time-out fired, on its
own clock), and the local Discord (how many API calls the bot made, split the way Discord
limits them).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from draftpod.demo.players import PodRun


def percentiles(values: Iterable[float]) -> dict[str, float | int | None]:
    """``{p50, p99, max, count}`` in milliseconds, rounded to 0.1; None when nothing was
    measured (a run with no time-out has no lateness to report, and says so)."""
    ordered = sorted(values)
    if not ordered:
        return {"p50": None, "p99": None, "max": None, "count": 0}
    return {
        "p50": round(_quantile(ordered, 0.50), 1),
        "p99": round(_quantile(ordered, 0.99), 1),
        "max": round(ordered[-1], 1),
        "count": len(ordered),
    }


def _quantile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def timeout_job_ids(pods: Sequence[PodRun]) -> list[str]:
    """``pick_timeout:<pod>:<seat>:<pick_no>`` of every pack a simulated player held."""
    ids = {
        f"pick_timeout:{offer.pod}:{offer.seat}:{offer.pick_no}"
        for pod in pods
        for player in pod.players
        for offer in player.stats.offers
    }
    return sorted(ids)


def lateness_ms(runs: Iterable[dict[str, Any]]) -> list[float]:
    """Fire time minus due time of each run, as the scheduler journalled them."""
    found: list[float] = []
    for run in runs:
        due, fired = run.get("due_at"), run.get("fired_at")
        if isinstance(due, int | float) and isinstance(fired, int | float):
            found.append(max(0.0, (fired - due) * 1000))
    return found


@dataclass
class LogCheck:
    """Each simulated player's MTGO log of one pod: found and readable, with every pick."""

    found: dict[str, str] = field(default_factory=dict)  # player -> file name
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.problems


def check_logs(logs_dir: Path, pod: PodRun, expected_picks: int | None) -> LogCheck:
    """Find each human's MTGO log by the owner named inside it (file names vary with the
    event name the bot chooses) and check it holds a whole draft."""
    from bot.draft.errors import LogFormatError
    from bot.draft.mtgo_log import parse_mtgo_log

    check = LogCheck()
    by_owner: dict[str, tuple[str, int]] = {}
    for path in sorted(logs_dir.glob("*.txt")):
        try:
            log = parse_mtgo_log(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, LogFormatError):
            continue  # not an MTGO log (a deck file, another tool's): not ours to judge
        by_owner[log.owner] = (path.name, len(log.picks))
    for player in pod.players:
        names = {player.name, player.user.username}
        hit = next((by_owner[n] for n in names if n in by_owner), None)
        if hit is None:
            check.missing.append(player.name)
            continue
        check.found[player.name] = hit[0]
        if expected_picks is not None and hit[1] != expected_picks:
            check.problems.append(f"{hit[0]} has {hit[1]} picks, not {expected_picks}")
    return check


def build_summary(
    *,
    options: dict[str, Any],
    pods: Sequence[PodRun],
    checks: Sequence[LogCheck],
    lateness: list[float],
    api_calls: int,
    interaction_calls: int,
    calls_by_route: dict[str, int],
    drafting_seconds: float,
    total_seconds: float,
    scheduler_metrics: dict[str, float],
    errors: list[str],
) -> dict[str, Any]:
    """The content of ``summary.json``."""
    players = [p for pod in pods for p in pod.players]
    picks = sum(p.stats.picks for p in players)
    per_pick = (lambda n: round(n / picks, 2)) if picks else (lambda n: None)
    fired = scheduler_metrics.get("draftpod_scheduler_lateness_seconds_count")
    return {
        "completed": all(c.ok for c in checks) and len(checks) == len(pods) and not errors,
        "pods": len(pods),
        "players": len(players),
        "picks": picks,
        "chosen": sum(p.stats.chosen for p in players),
        "autopicks": sum(p.stats.autopicks for p in players),
        "refused": sum(p.stats.refused for p in players),
        "lost": sum(p.stats.lost for p in players),
        "pick_to_next_pack_ms": percentiles(ms for p in players for ms in p.stats.to_next_pack_ms),
        "pick_to_queued_pack_ms": percentiles(
            ms for p in players for ms in p.stats.to_queued_pack_ms
        ),
        "timer_lateness_ms": percentiles(lateness),
        "api_calls_per_pick": per_pick(api_calls),
        "interaction_calls_per_pick": per_pick(interaction_calls),
        "api_calls": api_calls,
        "interaction_calls": interaction_calls,
        "api_calls_by_route": dict(sorted(calls_by_route.items(), key=lambda kv: -kv[1])),
        "drafting_seconds": round(drafting_seconds, 1),
        "total_seconds": round(total_seconds, 1),
        "scheduler": {
            "runs_fired": int(fired) if fired is not None else None,
            "lateness_max_ms": _ms(
                scheduler_metrics.get("draftpod_scheduler_lateness_max_seconds")
            ),
            "late_runs": _int(scheduler_metrics.get("draftpod_scheduler_late_total")),
            "retried_deliveries": _int(scheduler_metrics.get("draftpod_scheduler_retried_total")),
        },
        "options": options,
        "by_pod": [
            {
                "pod": pod.pod,
                "status": pod.status,
                "players": [p.name for p in pod.players],
                "picks": sum(p.stats.picks for p in pod.players),
                "autopicks": sum(p.stats.autopicks for p in pod.players),
                "drafting_seconds": round(max(0.0, pod.ended_at - pod.started_at), 1),
                "logs": check.found,
                "missing_logs": check.missing,
                "log_problems": check.problems,
            }
            for pod, check in zip(pods, checks, strict=False)
        ],
        "errors": errors,
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def table(summary: dict[str, Any]) -> str:
    """The summary as a person reads it at the end of the run."""
    rows = [("pod", "status", "players", "picks", "auto", "seconds", "logs")]
    for pod in summary["by_pod"]:
        logs = f"{len(pod['logs'])}/{len(pod['players'])}"
        rows.append((
            str(pod["pod"]), pod["status"], str(len(pod["players"])), str(pod["picks"]),
            str(pod["autopicks"]), f"{pod['drafting_seconds']:.1f}", logs,
        ))  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))

    def figure(name: str) -> str:
        f = summary[name]
        if f["count"] == 0:
            return "not measured (none)"
        return (
            f"p50 {f['p50']:.1f} ms, p99 {f['p99']:.1f} ms, max {f['max']:.1f} ms, n={f['count']}"
        )

    lines += [
        "",
        f"picks {summary['picks']} ({summary['chosen']} chosen, {summary['autopicks']} "
        f"auto-picked, {summary['refused']} of them refused as too late)",
        f"pick -> next pack      {figure('pick_to_next_pack_ms')}",
        f"pick -> queued pack    {figure('pick_to_queued_pack_ms')}",
        f"time-out lateness      {figure('timer_lateness_ms')}",
        f"API calls per pick     {summary['api_calls_per_pick']} bot REST, "
        f"{summary['interaction_calls_per_pick']} interaction",
        f"drafting {summary['drafting_seconds']:.1f} s, whole run {summary['total_seconds']:.1f} s",
    ]
    return "\n".join(lines)
