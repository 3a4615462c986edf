"""The pick log: append-only, one line per ``(pod, seat, pick_no)``, read back in commit order.

Idempotent by key: the same pick again (same card at the same index) returns the stored line, so
a retried job or a double-clicked menu is harmless; a different card for a taken key raises
:class:`PickConflict` carrying the winner, which is how a player racing their own time-out learns
which pick stood. There is deliberately no update or delete.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.database import Database
from bot.storage.errors import PickConflict, PodNotFound, PodStateError, SeatNotFound
from bot.storage.messages import put_message
from bot.storage.records import MessageRecord, PickRecord, RecordedPick
from bot.storage.rows import columns_of, load_picks, to_pick
from bot.storage.schema import picks, pods, seats


class PickLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, pick: PickRecord) -> RecordedPick:
        """Append ``pick`` unless its key is taken; committed before it returns."""
        return (await self.record_all([pick]))[0]

    async def record_all(
        self, batch: Sequence[PickRecord], *, message: MessageRecord | None = None
    ) -> list[RecordedPick]:
        """:meth:`record` of each pick in order, in one transaction: all are committed or none.

        One change of a pod (a player's pick and the bot picks it lets happen) is one commit,
        not one per pick: SQLite commits of a process take turns, so their number is what bounds
        how many picks a second the bot stores. ``message``, when given, is the pack message the
        pick is answered on, remembered (as :meth:`MessageRepository.put`) in the same commit.
        """

        async def work(conn: AsyncConnection) -> list[RecordedPick]:
            recorded = [await _record_one(conn, pick) for pick in batch]
            if message is not None:
                await put_message(conn, message)
            return recorded

        return await self._db.write("record pick", work, rerun_on_conflict=True)

    async def for_pod(self, pod_id: int) -> tuple[PickRecord, ...]:
        """Every pick of the pod in the order it was committed (the order a replay applies)."""
        return await self._db.read("load picks", lambda conn: load_picks(conn, pod_id))

    async def get(self, pod_id: int, seat_no: int, pick_no: int) -> PickRecord | None:
        async def work(conn: AsyncConnection) -> PickRecord | None:
            query = select(picks).where(
                picks.c.pod_id == pod_id, picks.c.seat_no == seat_no, picks.c.pick_no == pick_no
            )
            row = (await conn.execute(query)).first()
            return None if row is None else to_pick(row)

        return await self._db.read("load pick", work)


async def _record_one(conn: AsyncConnection, pick: PickRecord) -> RecordedPick:
    query = select(picks).where(
        picks.c.pod_id == pick.pod_id,
        picks.c.seat_no == pick.seat_no,
        picks.c.pick_no == pick.pick_no,
    )
    row = (await conn.execute(query)).first()
    if row is not None:
        stored = to_pick(row)
        if stored.same_pick(pick):
            return RecordedPick(stored, created=False)
        raise PickConflict(stored, pick.card_index, pick.card_id)
    seated = (
        select(seats.c.seat_no)
        .where(seats.c.pod_id == pick.pod_id, seats.c.seat_no == pick.seat_no)
        .exists()
    )
    state = await conn.execute(
        select(pods.c.status, seated.label("seated"))
        .where(pods.c.id == pick.pod_id)
        .with_for_update(of=pods)
    )
    found = state.first()
    if found is None:
        raise PodNotFound(pick.pod_id)
    if found.status != "drafting":
        raise PodStateError(pick.pod_id, found.status, "record a pick")
    if not found.seated:
        raise SeatNotFound(pick.pod_id, seat_no=pick.seat_no)
    await conn.execute(insert(picks).values(**columns_of(pick)))
    return RecordedPick(pick, created=True)
