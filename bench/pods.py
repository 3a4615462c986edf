"""Concurrent pods through the whole bot: the real scheduler process, the local Discord, the bot.

Each step starts a fresh table (``tests/bot/e2e/harness.py``: a scheduler process, the local
Discord and the bot in this process and loop), opens ``N`` pods of ``--players`` simulated players
and ``--bots`` bot drafters, untimed, one pack each by default, starts them all at once and lets
every player pick a random card as soon as a pack is in front of them (no think time).

Figures per step:

- pick -> next pack, p50 / p99: from a player's menu choice being sent to its next pack being
  visible to it (the answer's edit carrying the next menu, or a new DM), timed by the local
  Discord's own record of that message state, so the simulated player's wake-up is not counted;
- picks/s: every player's picks over the drafting span (the Start clicks to the last pick's
  answer), beside the engine-only rate measured in the same run (the same pods, seats and picks
  made straight on :class:`bot.draft.Pod`, no I/O) and the ratio of the two;
- REST calls per pick over the drafting span, split as Discord limits them;
- where a pick's time goes: wall time per player pick inside the store's writes, the pack image
  renders, the wait for the scheduler's acknowledgement, and the service's whole ``pick``.

No figure is asserted. ``--profile N`` runs cProfile on the event loop thread during the step
with ``N`` pods and prints where its CPU went, by area.

    python -m bench.pods [--pods 1,2,5,10,20,50] [--players 4] [--bots 4] [--packs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import functools
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench._common import ROOT
from bot.draft import Pod, Seat, spread_bots
from bot.render import Renderer
from bot.render import renderer as renderer_module
from bot.sandbox import Message, User
from bot.sandbox.errors import ApiError
from bot.service import link as link_module
from bot.service.draft import DraftService
from bot.sets import load_catalog
from bot.storage import database as database_module
from tests.bot.e2e.harness import Table, pick_menu, table

SET_CODE = "NEO"
WAIT = 120.0  # generous: a saturated step is reported, not failed


# -- where the time goes ---------------------------------------------------------------------


@dataclass
class Spent:
    seconds: float = 0.0
    count: int = 0


@dataclass
class Breakdown:
    """Wall seconds inside a few of the bot's calls, summed over every call (they overlap)."""

    areas: dict[str, Spent] = field(default_factory=lambda: defaultdict(Spent))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, area: str, seconds: float) -> None:
        with self.lock:
            spent = self.areas[area]
            spent.seconds += seconds
            spent.count += 1

    def snapshot(self) -> dict[str, Spent]:
        with self.lock:
            return {area: Spent(s.seconds, s.count) for area, s in self.areas.items()}

    def reset(self) -> None:
        with self.lock:
            self.areas.clear()


TIMED = (
    # (area, owner, attribute, async?)
    ("store write", database_module.Database, "write", True),
    ("pack render (thread)", renderer_module.Renderer, "pack", False),
    ("pack render (awaited)", renderer_module.Renderer, "pack_async", True),
    ("scheduler ack wait", link_module.SchedulerLink, "deadline", True),
    ("service pick", DraftService, "pick", True),
)


@contextlib.contextmanager
def timing(breakdown: Breakdown) -> Iterator[None]:
    """Wrap the calls of :data:`TIMED` for this process; put them back on exit."""
    saved = []
    for area, owner, name, is_async in TIMED:
        original = getattr(owner, name)
        saved.append((owner, name, original))
        setattr(owner, name, _timed(area, original, is_async, breakdown))
    run = database_module.Database._run

    async def held(self: Any, engine: Any, operation: str, work: Any) -> Any:
        if engine is not self._writer:
            return await run(self, engine, operation, work)
        start = time.perf_counter()
        try:
            return await run(self, engine, operation, work)
        finally:
            breakdown.add("store write, in its turn", time.perf_counter() - start)

    database_module.Database._run = held  # type: ignore[method-assign]
    saved.append((database_module.Database, "_run", run))
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def _timed(area: str, original: Any, is_async: bool, breakdown: Breakdown) -> Any:
    if is_async:

        @functools.wraps(original)
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                breakdown.add(area, time.perf_counter() - start)

        return timed_async

    @functools.wraps(original)
    def timed_sync(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            breakdown.add(area, time.perf_counter() - start)

    return timed_sync


# -- a player picking as fast as packs arrive ------------------------------------------------


def _menu_ids(components: Any) -> set[str]:
    ids: set[str] = set()
    for row in components:
        for component in row.get("components", []):
            if component.get("type") == 3:
                ids.add(str(component.get("custom_id", "")))
    return ids


def shown_at(message: Message, custom_id: str) -> float:
    """When the local Discord first held ``message`` carrying the menu ``custom_id`` (epoch s)."""
    for revision in message.revisions:
        if custom_id in _menu_ids(revision.components):
            return revision.at.timestamp()
    return time.time()


class Racer:
    """A simulated player with no think time: picks the moment a new pack is visible."""

    def __init__(self, t: Table, user: User, total: int, seed: int) -> None:
        self.t = t
        self.user = user
        self.total = total
        self.rng = random.Random(seed)
        self.picks = 0
        self.late = 0  # answers Discord refused (10062: past the interaction deadline)
        self.latencies: list[float] = []
        self.wake_lags: list[float] = []
        self.finished_at = 0.0

    def _newest_pack(self, last: str | None) -> tuple[Message, dict[str, Any]] | None:
        for message in reversed(self.t.driver.messages(user=self.user)):
            menu = pick_menu(message)
            if menu is not None:
                return None if menu["custom_id"] == last else (message, menu)
        return None

    async def run(self) -> None:
        last: str | None = None
        sent_at: float | None = None
        driver = self.t.driver
        while self.picks < self.total:
            message, menu = await driver.wait_for(
                functools.partial(self._newest_pack, last), f"a pack for {self.user.username}", WAIT
            )
            seen = time.time()
            if sent_at is not None:
                visible = shown_at(message, menu["custom_id"])
                self.latencies.append(visible - sent_at)
                self.wake_lags.append(seen - visible)
            last = menu["custom_id"]
            value = self.rng.choice(menu["options"])["value"]
            sent_at = time.time()
            handle = await driver.select(self.user, message, last, [value])
            try:
                await handle.acknowledged(WAIT)
            except ApiError:
                self.late += 1  # the pick stands; the bot shows it by an edit instead
            self.picks += 1
        self.finished_at = time.perf_counter()

    def has_pool(self) -> bool:
        return any(
            "your" in m.content and "picks" in m.content and m.attachments
            for m in self.t.driver.messages(user=self.user)
        )


# -- one step ----------------------------------------------------------------------------------


@dataclass
class Step:
    pods: int
    player_picks: int
    span: float
    latencies: list[float]
    wake_lags: list[float]
    late: int
    global_calls: int
    interaction_calls: int
    engine_rate: float
    breakdown: dict[str, Spent]
    profile: pstats.Stats | None = None

    @property
    def rate(self) -> float:
        return self.player_picks / self.span


async def _bounded(limit: int, jobs: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))


async def _start(t: Table, user: User, lobby: Message, pod_id: int) -> None:
    handle = await t.driver.click(user, lobby, f"lobby:start:{pod_id}")
    with contextlib.suppress(ApiError):  # answered too late; the pod started all the same
        await handle.acknowledged(WAIT)


def engine_rate(pods: int, players: int, bots: int, packs: int, repeats: int = 5) -> float:
    """Player picks per second made straight on the engine: the same pods, seats and picks, no
    I/O at all (the median of ``repeats`` runs: one small step is over in a few milliseconds)."""
    card_set = load_catalog(ROOT / "sets").get(SET_CODE)
    seating = spread_bots([Seat(f"Player {n + 1}") for n in range(players)], players + bots)
    humans = [n for n, seat in enumerate(seating) if not seat.is_bot]
    rates = []
    for repeat in range(repeats):
        rng = random.Random(repeat)
        made = 0
        start = time.perf_counter()
        for number in range(pods):
            pod = Pod(number, card_set, seating, packs_per_seat=packs)
            pod.start()
            while not pod.finished:
                for seat in humans:
                    view = pod.view(seat)
                    if view.pack:
                        pod.pick(seat, view.pick_no, rng.randrange(len(view.pack)))
                        made += 1
        rates.append(made / (time.perf_counter() - start))
    return statistics.median(rates)


async def run_step(
    pods: int, args: argparse.Namespace, faces: Path, breakdown: Breakdown, profile: bool
) -> Step:
    total = args.packs * 15
    with tempfile.TemporaryDirectory(prefix="draftpod-pods-") as tmp:
        folder = Path(tmp)
        shutil.copytree(faces, folder / "var" / "render_cache")
        # The production pacing of edits, not the tests' short one.
        async with table(folder, edit_coalesce_seconds=0.5, progress_edit_seconds=5.0) as t:
            await t.start_bot()
            users = await t.add_players(pods * args.players)
            tables = [users[n * args.players : (n + 1) * args.players] for n in range(pods)]

            async def open_pod(seated: list[User]) -> tuple[int, Message]:
                pod_id, lobby = await t.create_pod(
                    seated[0], bots=args.bots, pick_seconds=0, packs=args.packs,
                    seats=args.players + args.bots,
                )  # fmt: skip
                for user in seated[1:]:
                    await t.join(user, lobby, pod_id)
                return pod_id, lobby

            opened = await _bounded(8, [functools.partial(open_pod, s) for s in tables])
            racers = [
                Racer(t, user, total, seed=n) for n, user in enumerate(u for s in tables for u in s)
            ]
            profiler = cProfile.Profile() if profile else None
            before = t.driver.api_calls()
            breakdown.reset()
            if profiler is not None:
                profiler.enable()
            began = time.perf_counter()
            runs = [asyncio.create_task(r.run()) for r in racers]
            await asyncio.gather(
                *(
                    _start(t, s[0], lobby, pod_id)
                    for s, (pod_id, lobby) in zip(tables, opened, strict=True)
                )
            )
            await asyncio.gather(*runs)
            span = max(r.finished_at for r in racers) - began
            if profiler is not None:
                profiler.disable()
            calls = t.driver.api_calls() - before
            spent = breakdown.snapshot()
            await t.driver.wait_for(lambda: all(r.has_pool() for r in racers), "every pool", WAIT)
    return Step(
        pods=pods,
        player_picks=sum(r.picks for r in racers),
        span=span,
        latencies=[x for r in racers for x in r.latencies],
        wake_lags=[x for r in racers for x in r.wake_lags],
        late=sum(r.late for r in racers),
        global_calls=calls.global_limited,
        interaction_calls=calls.interaction,
        engine_rate=engine_rate(pods, args.players, args.bots, args.packs),
        breakdown=spent,
        profile=pstats.Stats(profiler) if profiler is not None else None,
    )


def warm_faces(folder: Path) -> Path:
    """Every face of the set drawn once into a disk cache each step starts from: a bot that has
    run a while has them; drawing them is not what a pick costs."""
    card_set = load_catalog(ROOT / "sets").get(SET_CODE)
    cache = folder / "faces"
    with Renderer(
        sets_dir=ROOT / "sets",
        cache_dir=cache,
        cache_max_bytes=256 * 1024 * 1024,
        memory_faces=0,
        max_image_pixels=40_000_000,
    ) as renderer:
        for card in card_set.cards.values():
            renderer.face(card)
    return cache


# -- reporting ---------------------------------------------------------------------------------


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def print_table(steps: list[Step], args: argparse.Namespace) -> None:
    seats = args.players + args.bots
    print(
        f"\n{SET_CODE}, {args.players} players + {args.bots} bot drafters a pod, "
        f"{args.packs} pack(s) of 15, untimed, no think time"
    )
    head = (
        f"{'pods':>5} {'player picks':>12} {'span s':>7} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'picks/s':>8} {'engine/s':>9} {'x engine':>9} {'REST/pick':>9} {'ixn/pick':>8} "
        f"{'late':>5} {'wake p50':>8}"
    )
    print(head)
    for s in steps:
        print(
            f"{s.pods:>5} {s.player_picks:>12} {s.span:>7.1f} "
            f"{statistics.median(s.latencies) * 1e3:>8.1f} {_pct(s.latencies, 0.99) * 1e3:>8.1f} "
            f"{s.rate:>8.1f} {s.engine_rate:>9.0f} {s.rate / s.engine_rate:>9.4f} "
            f"{s.global_calls / s.player_picks:>9.2f} "
            f"{s.interaction_calls / s.player_picks:>8.2f} {s.late:>5} "
            f"{statistics.median(s.wake_lags) * 1e3:>8.1f}"
        )
    print(
        f"(every pod also makes {args.bots * args.packs * 15} bot picks, each a committed write "
        f"like a player's: {seats * args.packs * 15} writes a pod; 'late': answers past Discord's "
        "3 s deadline; 'wake': from a pack being visible to the simulated player acting on it)"
    )
    areas = [a for a, *_ in TIMED]
    areas.insert(1, "store write, in its turn")
    print("\nwall ms per player pick inside (summed over overlapping calls):")
    print(f"{'pods':>5} " + " ".join(f"{a:>24}" for a in areas))
    for s in steps:
        cells = []
        for area in areas:
            spent = s.breakdown.get(area, Spent())
            cells.append(f"{spent.seconds / s.player_picks * 1e3:>16.1f} ({spent.count:>5})")
        print(f"{s.pods:>5} " + " ".join(cells))
    print(
        "(in brackets: calls in the span; 'store write' includes the wait for the process's "
        "write turn, 'in its turn' is the time holding it)"
    )


AREAS = (
    ("local Discord (bot/sandbox)", ("/bot/sandbox/",)),
    ("simulated players (bench, harness)", ("/bench/", "/tests/")),
    ("discord.py", ("/discord/",)),
    ("aiohttp, sockets, zlib (both ends)", ("/aiohttp/", "/multidict/", "/yarl/")),
    ("SQLAlchemy + aiosqlite (loop side)", ("/sqlalchemy/", "/aiosqlite/")),
    ("scheduler client + zmq", ("/scheduler/", "/zmq/")),
    ("bot (draft, service, ui, outbound)", ("/bot/",)),
    ("asyncio + selectors", ("/asyncio/", "selectors.py")),
    ("json and the rest", ("",)),
)


# C functions have no file: these name the area of the few that matter.
C_AREAS = {
    "_socket": "/aiohttp/",
    "zlib": "/aiohttp/",
    "greenlet": "/sqlalchemy/",
    "SimpleQueue": "/aiosqlite/",
    "zmq": "/zmq/",
}


def print_profile(step: Step) -> None:
    assert step.profile is not None
    raw: dict[Any, Any] = step.profile.stats  # type: ignore[attr-defined]
    totals: dict[str, float] = defaultdict(float)
    idle = 0.0
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        if name == "<method 'poll' of 'select.epoll' objects>":
            idle += tottime
            continue
        path = filename.replace("\\", "/")
        if filename == "~":
            path = C_AREAS.get(next((k for k in C_AREAS if k in name), ""), name)
        area = next(a for a, marks in AREAS if any(m in path for m in marks))
        totals[area] += tottime
    busy = sum(totals.values())
    print(f"\ncProfile of the event loop thread, {step.pods} pods, drafting span {step.span:.1f} s")
    print(f"  loop busy {busy:.1f} s, idle in epoll {idle:.1f} s")
    for area, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {area:<38} {seconds:>6.1f} s  {seconds / busy:>5.0%} of busy")
    print("  top functions by own time:")
    step.profile.sort_stats("tottime").print_stats(12)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", default="1,2,5,10,20,50", help="steps, comma separated")
    parser.add_argument("--players", type=int, default=4)
    parser.add_argument("--bots", type=int, default=4)
    parser.add_argument("--packs", type=int, default=1)
    parser.add_argument("--profile", type=int, default=0, help="cProfile the step of N pods")
    parser.add_argument("--p99-limit", type=float, default=3.0, help="stop after p99 passes (s)")
    parser.add_argument("--step-limit", type=float, default=60.0, help="stop past this span (s)")
    args = parser.parse_args()
    steps_wanted = [int(n) for n in args.pods.split(",") if n.strip()]
    steps: list[Step] = []
    breakdown = Breakdown()
    with tempfile.TemporaryDirectory(prefix="draftpod-faces-") as tmp, timing(breakdown):
        faces = warm_faces(Path(tmp))
        for index, pods in enumerate(steps_wanted):
            step = await run_step(pods, args, faces, breakdown, profile=pods == args.profile)
            steps.append(step)
            p99 = _pct(step.latencies, 0.99)
            print(
                f"step {pods} pods: {step.player_picks} picks in {step.span:.1f} s, "
                f"p99 {p99 * 1e3:.0f} ms",
                file=sys.stderr,
            )
            following = steps_wanted[index + 1 :]
            if not following:
                break
            # The next step's span if the rate merely held; a saturated bot does worse.
            predicted = step.span * following[0] / pods
            if p99 > args.p99_limit or step.span > args.step_limit:
                print(f"stopping: p99 or span past its limit at {pods} pods", file=sys.stderr)
                break
            if predicted > args.step_limit:
                print(
                    f"stopping: {following[0]} pods would take over {predicted:.0f} s",
                    file=sys.stderr,
                )
                break
    print_table(steps, args)
    for step in steps:
        if step.profile is not None:
            print_profile(step)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
