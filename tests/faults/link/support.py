"""Timed drafts through the :class:`LinkProxy`, and what the scheduler's own records say of them."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bot.e2e.harness import SMALL_PACK, SMALL_SET, Drafter, Table, keys_of, table
from tests.scheduler.scheduler_support import wait_until

from .linkproxy import Faults, LinkProxy

Key = tuple[int, int, int]  # (pod, seat, pick_no)


@contextlib.asynccontextmanager
async def proxied_table(
    folder: Path, faults: Faults, *, seed: int
) -> AsyncIterator[tuple[Table, LinkProxy]]:
    """A harness table whose bot reaches the scheduler only through a faulty proxy."""
    async with table(folder) as t:
        proxy = await LinkProxy(t.scheduler.zmq, faults, seed=seed).start()
        try:
            text = t.config_path.read_text()
            text, n = re.subn(r"zmq_address: \S+", f"zmq_address: {proxy.address}", text)
            assert n == 1
            t.config_path.write_text(text)
            yield t, proxy
        finally:
            await t.stop_bot()
            await proxy.stop()


@dataclass
class DraftFigures:
    pods: int = 0
    completed: int = 0
    picks_expected: int = 0
    picks_stored: int = 0
    picks_lost: int = 0
    picks_doubled: int = 0
    timeout_picks: int = 0
    # Scheduler side: runs journalled per pick_timeout job; bot side: executions per key.
    fires: Counter[Key] = field(default_factory=Counter)
    executions: Counter[Key] = field(default_factory=Counter)
    proxy: dict[str, int] = field(default_factory=dict)

    @property
    def fires_per_key(self) -> set[int]:
        return set(self.fires.values())

    def row(self) -> str:
        return (
            f"pods {self.completed}/{self.pods}, picks {self.picks_stored}/{self.picks_expected}, "
            f"lost {self.picks_lost}, doubled {self.picks_doubled}, "
            f"timeouts {self.timeout_picks}, fires/key {sorted(self.fires_per_key)}, "
            f"bot runs/key {sorted(set(self.executions.values()))}"
        )


def count_executions(t: Table, method: str = "pick_timeout") -> Counter[Key]:
    """Wrap the running bot's job method: how often it really ran, per (pod, seat, pick_no)."""
    handler = t.live_bot.handler
    original = handler._methods[method]
    seen: Counter[Key] = Counter()

    async def counted(params: dict[str, Any]) -> Any:
        seen[(int(params["pod"]), int(params["seat"]), int(params["pick_no"]))] += 1
        return await original(params)

    handler._methods[method] = counted
    return seen


def scheduler_fires(database: Path, kind: str = "pick_timeout") -> Counter[Key]:
    """Runs the scheduler journalled per pod timer, from its own ``runs`` table."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        rows = db.execute(
            "SELECT job_id, COUNT(DISTINCT run_id) FROM runs WHERE job_id LIKE ? GROUP BY job_id",
            (f"{kind}:%",),
        ).fetchall()
    fires: Counter[Key] = Counter()
    for job_id, count in rows:
        _, pod, seat, pick_no = job_id.split(":")
        fires[(int(pod), int(seat), int(pick_no))] += count
    return fires


def scheduler_pods(database: Path) -> dict[str, str]:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return dict(db.execute("SELECT pod, status FROM pods").fetchall())


def runs_unfinished(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return int(db.execute("SELECT COUNT(*) FROM runs WHERE status != 'done'").fetchone()[0])


async def timed_pods(
    t: Table, *, pods: int = 2, packs: int = 2, pick_seconds: int = 1, seed: int = 0
) -> DraftFigures:
    """``pods`` timed pods at once, each: a quick player, a slow one (often timed out), an
    absent one and a bot drafter. Waits for every pool, then checks the records.

    The absent seat is only moved by its pick timer, so a lost timer stalls the pod (and the
    test times out) instead of passing unseen."""
    await t.start_bot()
    executions = count_executions(t)
    seats = 4
    made: list[tuple[int, list[Any]]] = []
    for _ in range(pods):
        quick, slow, absent = await t.add_players(3)
        pod_id, lobby = await t.create_pod(
            quick, set=SMALL_SET, timer="fixed", pick_seconds=pick_seconds, packs=packs, bots=1
        )
        for user in (slow, absent):
            await t.join(user, lobby, pod_id)
        made.append((pod_id, [quick, slow, absent, lobby]))
    for pod_id, (quick, _, _, lobby) in made:
        await t.start(quick, lobby, pod_id)
    drafters = []
    for n, (_, (quick, slow, _, _)) in enumerate(made):
        drafters.append(Drafter(t, quick, seed=seed * 100 + 2 * n, think=0.3 * pick_seconds))
        drafters.append(Drafter(t, slow, seed=seed * 100 + 2 * n + 1, think=1.6 * pick_seconds))
    per_pod = seats * packs * SMALL_PACK
    # A pod's picks take at most (pick timer + link trouble) each round; generous on 2 cores.
    budget = 20 + packs * SMALL_PACK * (pick_seconds + 2.5) * 2
    await asyncio.wait_for(asyncio.gather(*(d.draft() for d in drafters)), budget)
    for _, (_, _, absent, _) in made:
        await t.wait_pool(absent, timeout=budget)

    figures = DraftFigures(pods=pods, picks_expected=pods * per_pod)
    for pod_id, _ in made:
        picks = await t.picks(pod_id)
        keys = keys_of(picks)
        figures.picks_stored += len(picks)
        figures.picks_doubled += sum(c - 1 for c in keys.values() if c > 1)
        wanted = {(s, n) for s in range(seats) for n in range(1, packs * SMALL_PACK + 1)}
        figures.picks_lost += len(wanted - set(keys))
        figures.timeout_picks += sum(1 for p in picks if p.source == "timeout")
    # pod_end is queued after the last pick; it reaches the scheduler through the same faults.
    database = t.scheduler.database
    await wait_until(
        lambda: all(scheduler_pods(database).get(str(p)) == "finished" for p, _ in made),
        timeout=60,
        what="every pod finished at the scheduler",
    )
    figures.completed = sum(
        1 for p, _ in made if scheduler_pods(database).get(str(p)) == "finished"
    )
    await wait_until(
        lambda: runs_unfinished(database) == 0, timeout=60, what="every run's result recorded"
    )
    figures.fires = scheduler_fires(database)
    figures.executions = executions
    return figures
