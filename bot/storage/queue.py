"""Matchmaking: players waiting for a pod of a set in a guild, and the pods that can take them.

One entry per player (the key is the user), so queueing again moves the entry instead of doubling
it. An entry names the queue pod it was placed in; starting or ending that pod clears it.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.database import Database
from bot.storage.errors import PlayerBusy
from bot.storage.records import PodRecord, QueueEntry
from bot.storage.rows import columns_of, load_pod, running_pod_of, to_pod, to_queue_entry
from bot.storage.schema import pods, queue, seats


class QueueRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def enter(self, entry: QueueEntry) -> QueueEntry:
        """Queue a player, replacing any entry they had; one seated in another running pod is
        refused with :class:`PlayerBusy`."""

        async def work(conn: AsyncConnection) -> QueueEntry:
            if entry.pod_id is not None:
                await load_pod(conn, entry.pod_id)
            busy = await running_pod_of(conn, entry.user_id)
            if busy is not None and busy != entry.pod_id:
                raise PlayerBusy(entry.user_id, busy)
            await conn.execute(delete(queue).where(queue.c.user_id == entry.user_id))
            await conn.execute(insert(queue).values(**columns_of(entry)))
            return entry

        return await self._db.write("enter queue", work, rerun_on_conflict=True)

    async def leave(self, user_id: int) -> QueueEntry | None:
        """Remove the player's entry and return it; None if they were not queued."""

        async def work(conn: AsyncConnection) -> QueueEntry | None:
            row = (await conn.execute(select(queue).where(queue.c.user_id == user_id))).first()
            if row is None:
                return None
            await conn.execute(delete(queue).where(queue.c.user_id == user_id))
            return to_queue_entry(row)

        return await self._db.write("leave queue", work)

    async def get(self, user_id: int) -> QueueEntry | None:
        async def work(conn: AsyncConnection) -> QueueEntry | None:
            row = (await conn.execute(select(queue).where(queue.c.user_id == user_id))).first()
            return None if row is None else to_queue_entry(row)

        return await self._db.read("load queue entry", work)

    async def place(self, user_id: int, pod_id: int) -> None:
        async def work(conn: AsyncConnection) -> None:
            await load_pod(conn, pod_id)
            await conn.execute(
                update(queue).where(queue.c.user_id == user_id).values(pod_id=pod_id)
            )

        await self._db.write("place queued player", work)

    async def waiting(self, guild_id: int, set_code: str) -> tuple[QueueEntry, ...]:
        """Entries of a set in a guild, first come first."""

        async def work(conn: AsyncConnection) -> tuple[QueueEntry, ...]:
            query = (
                select(queue)
                .where(queue.c.guild_id == guild_id, queue.c.set_code == set_code)
                .order_by(queue.c.queued_at, queue.c.user_id)
            )
            return tuple(to_queue_entry(row) for row in await conn.execute(query))

        return await self._db.read("load queue", work)

    async def fillable(self, guild_id: int, set_code: str) -> tuple[tuple[PodRecord, int], ...]:
        """Open queue pods of the set in the guild with their seats taken, fullest first."""

        async def work(conn: AsyncConnection) -> tuple[tuple[PodRecord, int], ...]:
            taken = func.count(seats.c.seat_no)
            query = (
                select(pods, taken.label("taken"))
                .outerjoin(seats, seats.c.pod_id == pods.c.id)
                .where(
                    pods.c.guild_id == guild_id,
                    pods.c.set_code == set_code,
                    pods.c.status == "open",
                    pods.c.origin == "queue",
                )
                .group_by(pods.c.id)
                .order_by(taken.desc(), pods.c.id)
            )
            rows = await conn.execute(query)
            return tuple(
                (to_pod(row), row.taken) for row in rows if row.taken < to_pod(row).settings.seats
            )

        return await self._db.read("find queue pods", work)
