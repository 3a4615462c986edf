"""How fast the bot's store commits picks, against raw sqlite3 doing the same commits.

Every pick is its own committed transaction (the store acknowledges nothing it has not committed),
so the figure that matters is committed picks per second and the latency a player waits for theirs.
The baseline is the standard library's sqlite3 inserting the same rows, one transaction each, with
the same WAL and ``synchronous=FULL`` settings, in the same run on the same disk.

Where it bends: each pick is about 16 round trips to aiosqlite's thread (cursor, execute, fetch,
close for each statement, then commit) plus SQLAlchemy's per-statement work, all serialised on the
process's write lock; fsync is a small part. Latency under load is therefore queueing behind other
pods' commits, and grows linearly with the number of picks in flight.

    python -m bench.storage [--picks 800] [--pods 1 10 50]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.storage import NewPod, PickRecord, PodSettings, SeatSpec, Store, open_store

NOW = datetime(2026, 5, 1, tzinfo=UTC)
SEATS = 8


def pick(pod_id: int, seat: int, pick_no: int) -> PickRecord:
    return PickRecord(
        pod_id=pod_id,
        seat_no=seat,
        pick_no=pick_no,
        pack_no=(pick_no - 1) // 15 + 1,
        pick_in_pack=(pick_no - 1) % 15 + 1,
        card_index=0,
        card_id=f"card-{seat}-{pick_no}",
        card_name="Card",
        source="player",
        picked_at=NOW,
    )


async def drafting_pods(store: Store, count: int, first_user: int) -> list[int]:
    ids = []
    for n in range(count):
        user = first_user + n
        settings = PodSettings(seats=SEATS, packs=3, pack_size=15)
        pod = await store.pods.create(
            NewPod(1, 10, user, "NEO", n, settings, NOW), creator=SeatSpec(user, f"p{user}")
        )
        seating = [SeatSpec(user, f"p{user}")] + [SeatSpec(None, f"Bot {s}") for s in range(1, 8)]
        await store.pods.start(pod.id, seating, NOW)
        ids.append(pod.id)
    return ids


def baseline(path: Path, pod_id: int, picks: int) -> float:
    """Picks per second for raw sqlite3, one committed insert per pick."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    started = time.perf_counter()
    for n in range(1, picks + 1):
        seat, pick_no = n % SEATS, n // SEATS + 1
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO picks (pod_id, seat_no, pick_no, pack_no, pick_in_pack, card_index,"
            " card_id, card_name, source, picked_at) VALUES (?, ?, ?, 1, 1, 0, ?, 'Card',"
            " 'player', '2026-05-01 00:00:00')",
            (pod_id, seat, pick_no, f"c{n}"),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return picks / elapsed


async def concurrent(store: Store, pod_ids: list[int], per_seat: int) -> tuple[float, list[float]]:
    """Every seat of every pod picking as fast as its commits return."""
    latencies: list[float] = []

    async def seat_loop(pod_id: int, seat: int) -> None:
        for pick_no in range(1, per_seat + 1):
            started = time.perf_counter()
            await store.picks.record(pick(pod_id, seat, pick_no))
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(seat_loop(p, s) for p in pod_ids for s in range(SEATS)))
    return len(latencies) / (time.perf_counter() - started), latencies


def ms(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


async def main(picks: int, pod_counts: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        store = await open_store(f"sqlite:///{path}")
        try:
            (raw_pod,) = await drafting_pods(store, 1, 1)
            raw = baseline(path, raw_pod, picks)
            print(f"baseline  raw sqlite3, 1 writer: {raw:8.0f} picks/s")
            (one_pod,) = await drafting_pods(store, 1, 50)
            started = time.perf_counter()
            for n in range(1, picks + 1):
                await store.picks.record(pick(one_pod, n % SEATS, n // SEATS + 1))
            alone = picks / (time.perf_counter() - started)
            print(
                f"store     1 writer, one at a time: {alone:8.0f} picks/s"
                f" = {alone / raw:5.2f} x baseline"
            )
            user = 100
            for count in pod_counts:
                pod_ids = await drafting_pods(store, count, user)
                user += count
                per_seat = max(1, picks // (count * SEATS))
                rate, latencies = await concurrent(store, pod_ids, per_seat)
                print(
                    f"store     {count:3d} pods x {SEATS} seats:"
                    f" {rate:8.0f} picks/s = {rate / raw:5.2f} x baseline,"
                    f" commit p50 {ms(latencies, 50):6.1f} ms, p99 {ms(latencies, 99):6.1f} ms"
                )
        finally:
            await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--picks", type=int, default=800, help="picks per measurement")
    parser.add_argument("--pods", type=int, nargs="+", default=[1, 10, 50])
    args = parser.parse_args()
    asyncio.run(main(args.picks, args.pods))
