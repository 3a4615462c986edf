"""Whole timed drafts with the scheduler and the bot killed (``kill -9``) under them.

The process stack and the simulated players are the demo's (``draftpod.demo``): the scheduler
(``python -m scheduler``) and the bot (``draftpod bot --local-discord URL``) are child
processes, the local Discord and the players run in this loop. A :class:`Fault` says what to
kill, after how many stored picks (all seats, all pods) and for how long; the kill is a
SIGKILL to the child's process group, the restart is the same command line (same settings
file, so the same ports and the same SQLite stores).

After the draft, :func:`check` reads the truth from the files the processes left: the bot's
pick log (``var/bot.sqlite3``), the MTGO logs and the JSON pod logs it wrote in ``logs/``, and
the scheduler's journal of fired runs (``var/scheduler.sqlite3``, tables ``deadlines`` and
``runs``). Everything is plain ``sqlite3`` on the files, read-only.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from bot.draft.errors import LogFormatError
from bot.draft.exports import read_pod_log
from bot.draft.mtgo_log import card_name_from_mtgo, parse_mtgo_log
from bot.sandbox.interactions import COMPONENT
from draftpod.config import Config, load_config
from draftpod.demo.options import DemoOptions, RunFolder
from draftpod.demo.players import PodRun
from draftpod.demo.runner import make_pods, watch_pods
from draftpod.demo.scheduler_api import SchedulerApi
from draftpod.demo.stack import Stack
from tests.bot.e2e.harness import SMALL_PACK, SMALL_SET, write_sets

Target = Literal["scheduler", "bot", "both"]

PODS, PLAYERS, SEATS, PACKS = 3, 2, 4, 1
PICK_SECONDS = 2
TOTAL_PICKS = PODS * SEATS * PACKS * SMALL_PACK
# Generous: a loaded 2-core machine, five restarts of a child that takes seconds to start.
DRAFT_TIMEOUT = 180.0
SETTLE_TIMEOUT = 60.0
POLL = 0.05


@dataclass(frozen=True)
class Fault:
    """Kill ``target`` once ``at_pick`` picks are stored, keep it down ``down`` seconds."""

    target: Target
    at_pick: int
    down: float


def seeded_faults(seed: int, target: Target, count: int, down: float) -> list[Fault]:
    """``count`` distinct moments of the draft, drawn by a seeded RNG, in order."""
    rng = random.Random(f"faults:{seed}:{target}")
    moments = sorted(rng.sample(range(3, TOTAL_PICKS - 6), count))
    return [Fault(target, k, down) for k in moments]


@dataclass
class Injected:
    """What one kill found and did."""

    fault: Fault
    picks_at_kill: int = 0
    killed_at: float = 0.0  # epoch seconds, the scheduler's clock
    restarted_at: float = 0.0
    # pick_timeout deadlines pending in the scheduler's store when it died: job id -> due
    pending: dict[str, float] = field(default_factory=dict)
    # menu choices sent to the bot that it had not answered when it died: (pod, seat, pick, value)
    in_flight: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def due_while_down(self) -> dict[str, float]:
        return {job: due for job, due in self.pending.items() if due <= self.restarted_at}


@dataclass
class Outcome:
    folder: RunFolder
    pods: list[PodRun]
    injected: list[Injected]
    seconds: float = 0.0


def base_config(root: Path) -> Config:
    """The default settings with a sets folder holding the six-card-pack ``E2E`` set."""
    config = load_config(None, root=root)
    sets = write_sets(root / "sets")
    return replace(config, paths=replace(config.paths, sets_dir=sets))


def options_for(out: Path, seed: int) -> DemoOptions:
    return DemoOptions(
        out=out,
        pods=PODS,
        players=PLAYERS,
        seats=SEATS,
        packs=PACKS,
        pick_seconds=PICK_SECONDS,
        timer="fixed",
        seed=seed,
        set_code=SMALL_SET,
        slow=0.25,
        live=False,
    )


def _read(path: Path, query: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """One read-only query on a store the children write (WAL: readers never block them)."""
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return db.execute(query, args).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise
    finally:
        db.close()


def bot_db(folder: RunFolder) -> Path:
    return folder.var_dir / "bot.sqlite3"


def scheduler_db(folder: RunFolder) -> Path:
    return folder.var_dir / "scheduler.sqlite3"


def stored_picks(folder: RunFolder) -> int:
    return int(_read(bot_db(folder), "SELECT count(*) FROM picks")[0][0] or 0)


async def run_draft(root: Path, seed: int, faults: Sequence[Fault]) -> Outcome:
    """A 3-pod timed draft with ``faults`` injected, run to its end; :func:`check` judges it."""
    base = base_config(root)
    options = options_for(root / "run", seed)
    folder = RunFolder(options.out)
    folder.prepare()
    began = time.monotonic()
    injected: list[Injected] = []
    async with Stack(base, options, folder) as stack:
        pods = make_pods(stack, options, crashes_expected=True)
        async with SchedulerApi(stack.http_url, stack.api_token) as api:
            await stack.guard(asyncio.gather(*(pod.open() for pod in pods)))
            watcher = asyncio.create_task(watch_pods(api, pods, None), name="pod-watcher")
            try:
                await stack.guard(asyncio.gather(*(pod.fill_and_start() for pod in pods)))
                drafting = asyncio.gather(*(pod.draft() for pod in pods))
                faulting = _inject(stack, folder, faults, injected)
                try:
                    await asyncio.wait_for(
                        stack.guard(asyncio.gather(drafting, faulting)), DRAFT_TIMEOUT
                    )
                except TimeoutError:
                    raise AssertionError(_stuck(folder, pods, injected)) from None
                await _settled(folder, pods)
            finally:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher
    return Outcome(folder, pods, injected, time.monotonic() - began)


async def _inject(
    stack: Stack, folder: RunFolder, faults: Sequence[Fault], injected: list[Injected]
) -> None:
    after_restart = 0
    for fault in faults:
        # A moment of the draft: ``at_pick`` picks stored, and at least one more since the
        # last restart (else every kill would land the instant the child is back).
        while stored_picks(folder) < max(fault.at_pick, after_restart + 1):
            await asyncio.sleep(POLL)
        record = Injected(fault)
        injected.append(record)
        targets: list[Literal["scheduler", "bot"]] = (
            ["scheduler", "bot"] if fault.target == "both" else [fault.target]
        )
        record.killed_at = time.time()
        await asyncio.gather(*(stack.kill(name) for name in targets))
        record.picks_at_kill = stored_picks(folder)
        if "scheduler" in targets:
            record.pending = dict(
                _read(
                    scheduler_db(folder),
                    "SELECT job_id, due_at FROM deadlines"
                    " WHERE status = 'pending' AND kind = 'pick_timeout'",
                )
            )
        if "bot" in targets:
            record.in_flight = _unanswered_choices(stack)
        # The downtime is the fault itself: how long the process stays dead.
        await asyncio.sleep(fault.down)
        record.restarted_at = time.time()
        for name in targets:  # the scheduler first: the bot's handler connects to it
            await stack.restart(name)
        after_restart = stored_picks(folder)


def _stuck(folder: RunFolder, pods: Sequence[PodRun], injected: Sequence[Injected]) -> str:
    """What a draft that did not end looks like, for the failure message."""
    lines = [f"the draft did not end in {DRAFT_TIMEOUT:g}s; faults injected: {len(injected)}"]
    for row in _read(
        bot_db(folder), "SELECT pod_id, seat_no, max(pick_no) FROM picks GROUP BY 1, 2"
    ):
        lines.append(f"  pod {row[0]} seat {row[1]}: last stored pick {row[2]}")
    for pod in pods:
        for player in pod.players:
            offer = player.stats.offers[-1] if player.stats.offers else None
            lines.append(
                f"  {player.name} (pod {pod.pod}): {player.state}, last offer"
                f" {offer.custom_id if offer else None}, {player.stats}"
            )
    return "\n".join(lines)


def _unanswered_choices(stack: Stack) -> list[tuple[int, int, int, int]]:
    """Menu choices the local Discord delivered to the bot that it never answered."""
    assert stack.discord is not None
    found = []
    for record in stack.discord.interactions.records.values():
        data = record.payload.get("data", {})
        custom_id = str(data.get("custom_id", ""))
        if record.type != COMPONENT or not custom_id.startswith("pick:"):
            continue
        if record.acknowledged or record.rejected:
            continue
        _, pod, seat, pick_no = custom_id.split(":")
        values = data.get("values") or ["0"]
        found.append((int(pod), int(seat), int(pick_no), int(values[0])))
    return found


async def _settled(folder: RunFolder, pods: Sequence[PodRun]) -> None:
    """Until every pod ended at the scheduler and its logs are in ``logs/``."""
    ids = [pod.pod for pod in pods]
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while time.monotonic() < deadline:
        ended = all(pod.finished.is_set() for pod in pods)
        logged = {log.event for log in _pod_logs(folder)}
        if ended and all(pod in logged for pod in ids):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(
        f"pods not settled: statuses {[p.status for p in pods]}, logs {sorted(logged)}"
    )


def _pod_logs(folder: RunFolder) -> list[Any]:
    found = []
    for path in sorted(folder.logs_dir.glob("*.json")):
        with contextlib.suppress(OSError, LogFormatError):
            found.append(read_pod_log(path.read_text(encoding="utf-8")))
    return found


# --- the checks -------------------------------------------------------------------------------


@dataclass
class Figures:
    """The invariants of a run as counts, for the assertions and the notes."""

    pods: int = 0
    completed: int = 0
    picks: int = 0
    expected_picks: int = 0
    lost: int = 0
    duplicates: int = 0
    log_mismatches: list[str] = field(default_factory=list)
    timeout_jobs_fired: int = 0
    max_runs_per_timeout: int = 0
    timeouts_without_run: list[str] = field(default_factory=list)
    due_while_down: int = 0
    fired_on_restart: int = 0
    cancelled_while_down: int = 0
    downtime_problems: list[str] = field(default_factory=list)
    in_flight: int = 0
    in_flight_applied: int = 0
    problems: list[str] = field(default_factory=list)

    def ok(self) -> bool:
        return not (
            self.problems
            or self.log_mismatches
            or self.timeouts_without_run
            or self.downtime_problems
            or self.lost
            or self.duplicates
            or self.max_runs_per_timeout > 1
            or self.completed != self.pods
        )

    def row(self, fault: str, how: str, seconds: float) -> str:
        fires = f"max {self.max_runs_per_timeout} ({self.timeout_jobs_fired} timers fired)"
        notes = (
            f"{self.due_while_down} timers due while the scheduler was down:"
            f" {self.fired_on_restart} fired once on restart,"
            f" {self.cancelled_while_down} cancelled (picked meanwhile);"
            f" {self.in_flight} choices in flight at a bot kill, {self.in_flight_applied} applied;"
            f" {seconds:.0f} s"
        )
        return (
            f"| {fault} | {how} | 1 | {self.completed}/{self.pods} | {self.lost} |"
            f" {self.duplicates} | {fires} | {notes} |"
        )


def check(outcome: Outcome) -> Figures:
    folder = outcome.folder
    figures = Figures(pods=len(outcome.pods))
    pod_ids = [int(pod.pod) for pod in outcome.pods]
    per_pod = SEATS * PACKS * SMALL_PACK
    figures.expected_picks = per_pod * len(pod_ids)

    # Pods: finished for the scheduler and for the bot.
    sched_status = dict(_read(scheduler_db(folder), "SELECT pod, status FROM pods"))
    bot_status = dict(_read(bot_db(folder), "SELECT id, status FROM pods"))
    for pod in pod_ids:
        if sched_status.get(str(pod)) == "finished" and bot_status.get(pod) == "finished":
            figures.completed += 1
        else:
            figures.problems.append(
                f"pod {pod}: scheduler {sched_status.get(str(pod))}, bot {bot_status.get(pod)}"
            )

    # Picks: one row per (pod, seat, pick_no), every one of them there.
    rows = _read(
        bot_db(folder),
        "SELECT pod_id, seat_no, pick_no, card_id, card_name, card_index, source FROM picks",
    )
    figures.picks = len(rows)
    keys = Counter((r[0], r[1], r[2]) for r in rows)
    figures.duplicates = sum(n - 1 for n in keys.values() if n > 1)
    wanted = {
        (p, s, n) for p in pod_ids for s in range(SEATS) for n in range(1, per_pod // SEATS + 1)
    }
    figures.lost = len(wanted - set(keys))
    stray = set(keys) - wanted
    if stray:
        figures.problems.append(f"picks outside the draft: {sorted(stray)[:5]}")
    by_key = {(r[0], r[1], r[2]): r for r in rows}

    # Logs: the JSON log and every seat's MTGO log say what the pick log says.
    for log in _pod_logs(folder):
        if not log.event.isdigit() or int(log.event) not in pod_ids:
            continue
        pod = int(log.event)
        logged = {(pod, p.seat, p.pick_no): (p.card_id, p.index, p.by) for p in log.picks}
        stored = {k: (r[3], r[5], r[6]) for k, r in by_key.items() if k[0] == pod}
        if logged != stored or len(log.picks) != per_pod:
            diff = sorted(set(logged.items()) ^ set(stored.items()))[:4]
            figures.log_mismatches.append(f"pod {pod} JSON log differs from the pick log: {diff}")
    mtgo_seats: defaultdict[int, set[int]] = defaultdict(set)
    for path in sorted(folder.logs_dir.glob("*.txt")):
        try:
            mtgo = parse_mtgo_log(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, LogFormatError):
            continue
        if not mtgo.event.isdigit() or int(mtgo.event) not in pod_ids:
            continue
        pod = int(mtgo.event)
        mtgo_seats[pod].add(mtgo.owner_seat)
        names = [_front(card_name_from_mtgo(p.card)) for p in mtgo.picks]
        stored_names = [
            _front(by_key[(pod, mtgo.owner_seat, n)][4])
            for n in range(1, per_pod // SEATS + 1)
            if (pod, mtgo.owner_seat, n) in by_key
        ]
        if names != stored_names:
            figures.log_mismatches.append(f"{path.name}: {names} != pick log {stored_names}")
    for pod in pod_ids:
        if mtgo_seats[pod] != set(range(SEATS)):
            figures.log_mismatches.append(f"pod {pod}: MTGO logs for seats {mtgo_seats[pod]}")

    # Timers: the scheduler's journal has at most one run per pick_timeout job.
    runs = _read(
        scheduler_db(folder),
        "SELECT job_id, run_id, fired_at, status FROM runs WHERE job_id LIKE 'pick_timeout:%'",
    )
    runs_of: defaultdict[str, set[str]] = defaultdict(set)
    fired_at: dict[str, float] = {}
    for job_id, run_id, at, _status in runs:
        runs_of[job_id].add(run_id)
        fired_at[job_id] = min(at, fired_at.get(job_id, at))
    figures.timeout_jobs_fired = len(runs_of)
    figures.max_runs_per_timeout = max((len(v) for v in runs_of.values()), default=0)
    for (pod, seat, pick_no), row in by_key.items():
        job = f"pick_timeout:{pod}:{seat}:{pick_no}"
        if row[6] == "timeout" and job not in runs_of:
            figures.timeouts_without_run.append(job)
    statuses = dict(
        _read(
            scheduler_db(folder), "SELECT job_id, status FROM deadlines WHERE kind = 'pick_timeout'"
        )
    )
    counted: set[str] = set()
    for record in outcome.injected:
        for job in record.due_while_down:
            if job in counted:  # pending again at a later kill: it had not fired yet
                continue
            counted.add(job)
            figures.due_while_down += 1
            if job in runs_of:
                if fired_at[job] < record.restarted_at:
                    figures.downtime_problems.append(f"{job} fired while the scheduler was down")
                figures.fired_on_restart += 1
            elif statuses.get(job) == "cancelled":
                figures.cancelled_while_down += 1
            else:
                figures.downtime_problems.append(f"{job} due while down, never fired")
        for pod, seat, pick_no, value in record.in_flight:
            figures.in_flight += 1
            row = by_key.get((pod, seat, pick_no))
            if row is not None and row[6] == "player" and row[5] == value - 1:
                figures.in_flight_applied += 1

    for pod in outcome.pods:
        for player in pod.players:
            figures.problems.extend(player.stats.errors)
            if player.state != "done":
                figures.problems.append(f"{player.name} ended {player.state}")
    return figures


def _front(name: str) -> str:
    return name.split(" // ")[0]
