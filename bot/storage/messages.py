"""The Discord messages a pod owns, so a restarted bot edits them instead of sending new ones.

A message is keyed by its Discord id (snowflakes are unique across channels). A pod's lobby, a
seat's pack message and a result are "slots" ``(pod, kind, seat)``; a slot can hold several
messages over a draft (a new pack message when a waiting player gets a pack) and its current one
is the newest, which for snowflakes is the highest id.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.database import Database
from bot.storage.records import MessageKind, MessageRecord
from bot.storage.rows import columns_of, load_pod, to_message
from bot.storage.schema import messages


class MessageRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def put(self, record: MessageRecord) -> MessageRecord:
        """Remember a message, or update what it shows (its pick number) if already known."""

        async def work(conn: AsyncConnection) -> MessageRecord:
            await load_pod(conn, record.pod_id)
            await put_message(conn, record)
            return record

        return await self._db.write("remember message", work, rerun_on_conflict=True)

    async def current(
        self, pod_id: int, kind: MessageKind, seat_no: int | None = None
    ) -> MessageRecord | None:
        """The newest message of a slot: the lobby (``seat_no`` None) or a seat's pack message."""

        async def work(conn: AsyncConnection) -> MessageRecord | None:
            seat = (
                messages.c.seat_no.is_(None) if seat_no is None else messages.c.seat_no == seat_no
            )
            query = (
                select(messages)
                .where(messages.c.pod_id == pod_id, messages.c.kind == kind, seat)
                .order_by(messages.c.message_id.desc())
                .limit(1)
            )
            row = (await conn.execute(query)).first()
            return None if row is None else to_message(row)

        return await self._db.read("load message", work)

    async def for_pod(self, pod_id: int) -> tuple[MessageRecord, ...]:
        async def work(conn: AsyncConnection) -> tuple[MessageRecord, ...]:
            query = select(messages).where(messages.c.pod_id == pod_id)
            query = query.order_by(messages.c.message_id)
            return tuple(to_message(row) for row in await conn.execute(query))

        return await self._db.read("load pod messages", work)

    async def forget(self, message_id: int) -> bool:
        """Drop a message that was deleted in Discord; False if it was not known."""

        async def work(conn: AsyncConnection) -> bool:
            result = await conn.execute(delete(messages).where(messages.c.message_id == message_id))
            return result.rowcount > 0

        return await self._db.write("forget message", work)


async def put_message(conn: AsyncConnection, record: MessageRecord) -> None:
    """Insert the message row, or update what it shows: inside the caller's transaction."""
    values = columns_of(record)
    found = await conn.execute(
        select(messages.c.message_id).where(messages.c.message_id == record.message_id)
    )
    if found.first() is None:
        await conn.execute(insert(messages).values(**values))
    else:
        await conn.execute(
            update(messages).where(messages.c.message_id == record.message_id).values(**values)
        )
