"""Rows to records, and the statements more than one repository needs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.errors import PodNotFound
from bot.storage.records import (
    RUNNING,
    MessageRecord,
    PickRecord,
    PodRecord,
    PodSettings,
    QueueEntry,
    SeatRecord,
)
from bot.storage.schema import picks, pods, seats


def to_pod(row: Row[Any]) -> PodRecord:
    return PodRecord(
        id=row.id,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        creator_id=row.creator_id,
        set_code=row.set_code,
        seed=row.seed,
        status=row.status,
        origin=row.origin,
        settings=PodSettings.from_json(row.settings),
        created_at=row.created_at,
        started_at=row.started_at,
        ended_at=row.ended_at,
    )


def to_seat(row: Row[Any]) -> SeatRecord:
    return SeatRecord(
        pod_id=row.pod_id,
        seat_no=row.seat_no,
        user_id=row.user_id,
        display_name=row.display_name,
        is_bot=bool(row.is_bot),
        joined_at=row.joined_at,
    )


def to_pick(row: Row[Any]) -> PickRecord:
    return PickRecord(
        pod_id=row.pod_id,
        seat_no=row.seat_no,
        pick_no=row.pick_no,
        pack_no=row.pack_no,
        pick_in_pack=row.pick_in_pack,
        card_index=row.card_index,
        card_id=row.card_id,
        card_name=row.card_name,
        source=row.source,
        reason=row.reason,
        picked_at=row.picked_at,
    )


def to_message(row: Row[Any]) -> MessageRecord:
    return MessageRecord(
        message_id=row.message_id,
        channel_id=row.channel_id,
        pod_id=row.pod_id,
        kind=row.kind,
        seat_no=row.seat_no,
        pick_no=row.pick_no,
        updated_at=row.updated_at,
    )


def to_queue_entry(row: Row[Any]) -> QueueEntry:
    return QueueEntry(
        user_id=row.user_id,
        guild_id=row.guild_id,
        channel_id=row.channel_id,
        set_code=row.set_code,
        pod_id=row.pod_id,
        queued_at=row.queued_at,
    )


async def load_pod(conn: AsyncConnection, pod_id: int, *, lock: bool = False) -> PodRecord:
    """The pod, or :class:`PodNotFound`. ``lock`` takes the row lock (PostgreSQL) so that writes
    to one pod are serialised; SQLite writers are serialised by ``BEGIN IMMEDIATE`` already."""
    query = select(pods).where(pods.c.id == pod_id)
    if lock:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    if row is None:
        raise PodNotFound(pod_id)
    return to_pod(row)


async def load_seats(conn: AsyncConnection, pod_id: int) -> tuple[SeatRecord, ...]:
    query = select(seats).where(seats.c.pod_id == pod_id).order_by(seats.c.seat_no)
    return tuple(to_seat(row) for row in await conn.execute(query))


async def load_picks(conn: AsyncConnection, pod_id: int) -> tuple[PickRecord, ...]:
    query = select(picks).where(picks.c.pod_id == pod_id).order_by(picks.c.seq)
    return tuple(to_pick(row) for row in await conn.execute(query))


async def running_pod_of(conn: AsyncConnection, user_id: int) -> int | None:
    query = (
        select(seats.c.pod_id)
        .join(pods, pods.c.id == seats.c.pod_id)
        .where(seats.c.user_id == user_id, seats.c.running, pods.c.status.in_(RUNNING))
    )
    return (await conn.execute(query)).scalar()
