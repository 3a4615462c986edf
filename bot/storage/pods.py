"""Pods and their seats: create, join, leave, start, end, and what a restart needs.

Every method is one transaction that locks the pod first, so two writers to one pod (a button and a
scheduler job, or two bot processes) take turns. A repeated call that finds its work already done
returns the stored result instead of failing: joining twice is one seat, ending twice is one end.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import count
from typing import Literal

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.database import Database
from bot.storage.errors import InvalidRecord, PlayerBusy, PodFull, PodStateError, SeatNotFound
from bot.storage.records import (
    RUNNING,
    NewPod,
    PodRecord,
    PodSnapshot,
    SeatRecord,
    SeatSpec,
    require_aware,
)
from bot.storage.rows import (
    load_picks,
    load_pod,
    load_seats,
    running_pod_of,
    to_pod,
)
from bot.storage.schema import pods, queue, seats

EndStatus = Literal["finished", "cancelled", "expired"]
_ENDS_FROM: dict[EndStatus, tuple[str, ...]] = {
    "finished": ("drafting",),
    "cancelled": ("open", "drafting"),
    "expired": ("open",),
}


class PodRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, new: NewPod, *, creator: SeatSpec | None = None) -> PodRecord:
        """A new open pod; with ``creator``, that player takes seat 0 in the same transaction."""

        async def work(conn: AsyncConnection) -> PodRecord:
            if creator is not None and creator.user_id is not None:
                await _refuse_busy(conn, creator.user_id)
            result = await conn.execute(
                insert(pods).values(
                    guild_id=new.guild_id,
                    channel_id=new.channel_id,
                    creator_id=new.creator_id,
                    set_code=new.set_code,
                    seed=new.seed,
                    status="open",
                    origin=new.origin,
                    settings=new.settings.to_json(),
                    created_at=new.created_at,
                )
            )
            assert result.inserted_primary_key is not None
            pod_id: int = result.inserted_primary_key[0]
            if creator is not None:
                await _insert_seat(conn, pod_id, 0, creator, new.created_at)
            return await load_pod(conn, pod_id)

        return await self._db.write("create pod", work, rerun_on_conflict=True)

    async def get(self, pod_id: int) -> PodRecord:
        return await self._db.read("load pod", lambda conn: load_pod(conn, pod_id))

    async def seats(self, pod_id: int) -> tuple[SeatRecord, ...]:
        return await self._db.read("load seats", lambda conn: load_seats(conn, pod_id))

    async def snapshot(self, pod_id: int) -> PodSnapshot:
        """The pod, its seats and its pick log in order: what a replay rebuilds the draft from."""

        async def work(conn: AsyncConnection) -> PodSnapshot:
            pod = await load_pod(conn, pod_id)
            return PodSnapshot(pod, await load_seats(conn, pod_id), await load_picks(conn, pod_id))

        return await self._db.read("load pod snapshot", work)

    async def running(self) -> tuple[PodRecord, ...]:
        """Every open or drafting pod, oldest first: what a restarted bot must bring back."""

        async def work(conn: AsyncConnection) -> tuple[PodRecord, ...]:
            query = select(pods).where(pods.c.status.in_(RUNNING)).order_by(pods.c.id)
            return tuple(to_pod(row) for row in await conn.execute(query))

        return await self._db.read("load running pods", work)

    async def running_pod_of(self, user_id: int) -> int | None:
        """The id of the running pod where the player holds a seat, if any."""
        return await self._db.read("find player's pod", lambda c: running_pod_of(c, user_id))

    async def add_seat(self, pod_id: int, seat: SeatSpec, at: datetime) -> SeatRecord:
        """Seat a player (or a bot drafter) in an open pod, at the lowest free seat number.

        A player already seated in this pod gets their seat back; one seated in another running
        pod is refused with :class:`PlayerBusy`, by the database's unique index if code is raced.
        """
        require_aware("at", at)

        async def work(conn: AsyncConnection) -> SeatRecord:
            pod = await load_pod(conn, pod_id, lock=True)
            if pod.status != "open":
                raise PodStateError(pod_id, pod.status, "join")
            current = await load_seats(conn, pod_id)
            for existing in current:
                if seat.user_id is not None and existing.user_id == seat.user_id:
                    return existing
            if len(current) >= pod.settings.seats:
                raise PodFull(pod_id, pod.settings.seats)
            if seat.user_id is not None:
                await _refuse_busy(conn, seat.user_id)
            taken = {s.seat_no for s in current}
            seat_no = next(n for n in count() if n not in taken)
            return await _insert_seat(conn, pod_id, seat_no, seat, at)

        return await self._db.write("add seat", work, rerun_on_conflict=True)

    async def remove_seat(self, pod_id: int, user_id: int) -> SeatRecord:
        """Take a player out of an open pod; the seat they held is returned."""

        async def work(conn: AsyncConnection) -> SeatRecord:
            pod = await load_pod(conn, pod_id, lock=True)
            if pod.status != "open":
                raise PodStateError(pod_id, pod.status, "leave")
            for existing in await load_seats(conn, pod_id):
                if existing.user_id == user_id:
                    await conn.execute(
                        delete(seats).where(
                            seats.c.pod_id == pod_id, seats.c.seat_no == existing.seat_no
                        )
                    )
                    return existing
            raise SeatNotFound(pod_id, user_id=user_id)

        return await self._db.write("remove seat", work)

    async def start(self, pod_id: int, seating: Sequence[SeatSpec], at: datetime) -> PodSnapshot:
        """Fix the table: ``seating`` in seat order (every seated player once, bot drafters where
        the service put them) replaces the lobby's seats, and the pod is drafting.

        Starting again with the same seating returns the started pod unchanged.
        """
        require_aware("at", at)

        async def work(conn: AsyncConnection) -> PodSnapshot:
            pod = await load_pod(conn, pod_id, lock=True)
            current = await load_seats(conn, pod_id)
            if pod.status == "drafting" and _same_seating(current, seating):
                return PodSnapshot(pod, current, await load_picks(conn, pod_id))
            if pod.status != "open":
                raise PodStateError(pod_id, pod.status, "start")
            _check_seating(pod, current, seating)
            joined = {s.user_id: s.joined_at for s in current if s.user_id is not None}
            await conn.execute(delete(seats).where(seats.c.pod_id == pod_id))
            for seat_no, spec in enumerate(seating):
                since = joined.get(spec.user_id, at) if spec.user_id is not None else at
                await _insert_seat(conn, pod_id, seat_no, spec, since)
            await conn.execute(
                update(pods).where(pods.c.id == pod_id).values(status="drafting", started_at=at)
            )
            await conn.execute(delete(queue).where(queue.c.pod_id == pod_id))
            return PodSnapshot(await load_pod(conn, pod_id), await load_seats(conn, pod_id), ())

        return await self._db.write("start pod", work)

    async def end(self, pod_id: int, status: EndStatus, at: datetime) -> PodRecord:
        """Finish, cancel or expire a running pod; its players are free to join another."""
        require_aware("at", at)
        if status not in _ENDS_FROM:
            raise InvalidRecord(f"a pod cannot end as {status!r}")

        async def work(conn: AsyncConnection) -> PodRecord:
            pod = await load_pod(conn, pod_id, lock=True)
            if pod.status == status:
                return pod
            if pod.status not in _ENDS_FROM[status]:
                raise PodStateError(pod_id, pod.status, f"mark {status}")
            await conn.execute(
                update(pods).where(pods.c.id == pod_id).values(status=status, ended_at=at)
            )
            await conn.execute(update(seats).where(seats.c.pod_id == pod_id).values(running=False))
            await conn.execute(delete(queue).where(queue.c.pod_id == pod_id))
            return await load_pod(conn, pod_id)

        return await self._db.write(f"mark pod {status}", work)


async def _refuse_busy(conn: AsyncConnection, user_id: int) -> None:
    busy = await running_pod_of(conn, user_id)
    if busy is not None:
        raise PlayerBusy(user_id, busy)


async def _insert_seat(
    conn: AsyncConnection, pod_id: int, seat_no: int, spec: SeatSpec, at: datetime
) -> SeatRecord:
    await conn.execute(
        insert(seats).values(
            pod_id=pod_id,
            seat_no=seat_no,
            user_id=spec.user_id,
            display_name=spec.display_name,
            is_bot=spec.is_bot,
            running=True,
            joined_at=at,
        )
    )
    return SeatRecord(pod_id, seat_no, spec.user_id, spec.display_name, spec.is_bot, at)


def _same_seating(current: Sequence[SeatRecord], seating: Sequence[SeatSpec]) -> bool:
    return [(s.user_id, s.display_name) for s in current] == [
        (s.user_id, s.display_name) for s in seating
    ]


def _check_seating(
    pod: PodRecord, current: Sequence[SeatRecord], seating: Sequence[SeatSpec]
) -> None:
    settings = pod.settings
    if not settings.min_seats <= len(seating) <= settings.seats:
        raise InvalidRecord(
            f"pod {pod.id} needs {settings.min_seats}-{settings.seats} seats, not {len(seating)}"
        )
    players = [s.user_id for s in seating if s.user_id is not None]
    seated = sorted(s.user_id for s in current if s.user_id is not None)
    if len(set(players)) != len(players) or sorted(players) != seated:
        raise InvalidRecord(
            f"pod {pod.id}: the seating must hold each seated player once "
            f"(seated {seated}, given {players})"
        )
