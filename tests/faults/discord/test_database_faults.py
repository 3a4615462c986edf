"""The bot's database refusing a pick's write (its file locked by another writer), and the
SQLite settings of the bot's real database file."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from tests.bot.e2e.harness import Drafter, keys_of, table

from .support import SturdyDrafter, outcome, record_figures


async def test_a_pick_whose_write_fails_is_refused_plainly_and_the_next_one_works(
    tmp_path: Path,
) -> None:
    """Another process holds the write lock through every retry: the player is told nothing
    was saved, the store and the rebuilt pod agree, and the same menu then takes the pick."""
    async with table(tmp_path, database_busy_timeout_seconds=0.2) as t:
        bot = await t.start_bot()
        (alice,) = await t.add_players(1)
        pod_id, lobby = await t.create_pod(alice, set="E2E", bots=1, seats=2, packs=1)
        await t.start(alice, lobby, pod_id)
        message, menu = await t.driver.wait_for(
            lambda: Drafter(t, alice).current_pack(), "alice's first pack", 20
        )
        before = await t.picks(pod_id)
        locker = sqlite3.connect(tmp_path / "var" / "bot.sqlite3", isolation_level=None)
        try:
            locker.execute("BEGIN IMMEDIATE")
            handle = await t.driver.select(alice, message, menu["custom_id"], ["1"])
            assert await handle.acknowledged(20) == 4
            answer = await handle.message()
            assert answer.ephemeral
            assert "nothing was saved" in answer.content, answer.content
            assert await t.picks(pod_id) == before
            engine = bot.service.live[pod_id].engine
            assert engine is not None
            assert len(engine.picks) == len(before), "the pod was not rebuilt from the log"
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        # The same menu, once the lock is gone: the pick is taken.
        handle = await t.driver.select(alice, message, menu["custom_id"], ["1"])
        assert await handle.acknowledged(20) == 7
        stored = await t.picks(pod_id)
        seat = await t.seat_of(pod_id, alice)
        assert [p.card_index for p in stored if p.seat_no == seat and p.pick_no == 1] == [0]
        await asyncio.wait_for(SturdyDrafter(t, alice, seed=5).draft(), 120)
        result = await outcome(t, pod_id, [alice], seats=2)
        record_figures(
            "database write lock held during a pick",
            "a second sqlite3 connection holds BEGIN IMMEDIATE on the bot's file; busy 0.2 s",
            [result],
            note="pick refused with 'nothing was saved', pod rebuilt, same menu then works",
        )
        result.check()
        assert set(keys_of(stored).values()) == {1}


async def test_the_bots_database_file_runs_in_wal_with_a_busy_timeout(tmp_path: Path) -> None:
    """On the real file the running bot uses: WAL journal (in the file), and on the bot's own
    connections the configured busy timeout, foreign keys and full sync."""
    async with table(tmp_path, database_busy_timeout_seconds=1.5) as t:
        bot = await t.start_bot()
        path = tmp_path / "var" / "bot.sqlite3"
        assert path.exists()
        plain = sqlite3.connect(path)
        try:
            assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            plain.close()
        async with bot.store.engine.connect() as conn:
            pragmas = {
                name: (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys", "synchronous")
            }
        assert pragmas == {
            "journal_mode": "wal",
            "busy_timeout": 1500,
            "foreign_keys": 1,
            "synchronous": 2,
        }
