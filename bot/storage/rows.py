"""Rows to records, and the statements more than one repository needs."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

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

R = TypeVar("R")


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
    return _build(SeatRecord, row)


def to_pick(row: Row[Any]) -> PickRecord:
    return _build(PickRecord, row)


def to_message(row: Row[Any]) -> MessageRecord:
    return _build(MessageRecord, row)


def to_queue_entry(row: Row[Any]) -> QueueEntry:
    return _build(QueueEntry, row)


def columns_of(record: Any) -> dict[str, Any]:
    """A record's fields as column values: records and tables share their names on purpose."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _build(cls: type[R], row: Row[Any]) -> R:
    mapping = row._mapping
    return cls(**{f.name: mapping[f.name] for f in dataclasses.fields(cls)})  # type: ignore[arg-type]


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
