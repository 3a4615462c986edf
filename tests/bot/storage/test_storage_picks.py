"""The pick log: append-only, idempotent by key, conflicts carry the winner, replay order kept."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from bot.storage import (
    InvalidRecord,
    MessageRecord,
    PickConflict,
    PodStateError,
    SeatNotFound,
    Store,
    open_store,
)
from tests.bot.storage.storage_factories import NOW, bot, new_pod, pick, player


async def drafting_pod(store: Store, seats: int = 2) -> int:
    pod = await store.pods.create(new_pod(100), creator=player(100))
    await store.pods.start(pod.id, [player(100)] + [bot(n) for n in range(1, seats)], NOW)
    return pod.id


async def test_record_appends_and_reads_back(store: Store) -> None:
    """A recorded pick is created once and read back equal."""
    pod_id = await drafting_pod(store)
    recorded = await store.picks.record(pick(pod_id, 0, 1, 4))
    assert recorded.created
    assert await store.picks.get(pod_id, 0, 1) == recorded.pick
    assert await store.picks.for_pod(pod_id) == (recorded.pick,)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({}, id="identical"),
        pytest.param({"source": "timeout"}, id="other-source"),
        pytest.param({"picked_at": NOW.replace(hour=20)}, id="later-time"),
        pytest.param({"reason": "retried"}, id="other-reason"),
    ],
)
async def test_same_card_again_returns_the_stored_pick(store: Store, change: dict) -> None:
    """The same (pod, seat, pick_no, card) again is no second pick: the first one is returned."""
    pod_id = await drafting_pod(store)
    first = await store.picks.record(pick(pod_id, 0, 1, 4))
    again = await store.picks.record(dataclasses.replace(pick(pod_id, 0, 1, 4), **change))
    assert not again.created and again.pick == first.pick
    assert len(await store.picks.for_pod(pod_id)) == 1


async def test_record_all_commits_a_change_whole_or_not_at_all(store: Store) -> None:
    """Picks recorded together are one commit: a conflict in the batch leaves none stored."""
    pod_id = await drafting_pod(store)
    both = await store.picks.record_all([pick(pod_id, 0, 1, 4), pick(pod_id, 1, 1, 2)])
    assert [r.created for r in both] == [True, True]
    with pytest.raises(PickConflict):
        await store.picks.record_all([pick(pod_id, 0, 2, 3), pick(pod_id, 1, 1, 5)])
    assert await store.picks.for_pod(pod_id) == tuple(r.pick for r in both)


async def test_the_message_a_pick_is_answered_on_is_remembered_in_the_same_commit(
    store: Store,
) -> None:
    """The pack message's new pick number is stored with the picks, and not without them."""
    pod_id = await drafting_pod(store)
    now = NOW
    shown = MessageRecord(900, 77, pod_id, "pack", now, seat_no=0, pick_no=2)
    await store.picks.record_all([pick(pod_id, 0, 1, 4)], message=shown)
    current = await store.messages.current(pod_id, "pack", 0)
    assert current is not None and (current.message_id, current.pick_no) == (900, 2)
    later = MessageRecord(900, 77, pod_id, "pack", now, seat_no=0, pick_no=3)
    with pytest.raises(PickConflict):
        await store.picks.record_all([pick(pod_id, 0, 1, 5)], message=later)
    current = await store.messages.current(pod_id, "pack", 0)
    assert current is not None and current.pick_no == 2


async def test_other_card_for_a_taken_pick_raises_conflict_with_the_winner(store: Store) -> None:
    """A different card for a taken (pod, seat, pick_no) is refused and names the stored pick."""
    pod_id = await drafting_pod(store)
    winner = await store.picks.record(pick(pod_id, 0, 1, 4, source="timeout"))
    with pytest.raises(PickConflict) as caught:
        await store.picks.record(pick(pod_id, 0, 1, 7))
    assert caught.value.winner == winner.pick
    assert (caught.value.card_index, caught.value.card_id) == (7, "card-7")
    assert await store.picks.for_pod(pod_id) == (winner.pick,)


async def test_player_racing_their_timeout_one_pick_stands(store: Store) -> None:
    """A player's pick and the time-out's auto-pick at once: one is stored, the other told."""
    pod_id = await drafting_pod(store)
    results = await asyncio.gather(
        store.picks.record(pick(pod_id, 0, 1, 3, source="player")),
        store.picks.record(pick(pod_id, 0, 1, 9, source="timeout")),
        return_exceptions=True,
    )
    stored = await store.picks.for_pod(pod_id)
    assert len(stored) == 1
    conflicts = [r for r in results if isinstance(r, PickConflict)]
    wins = [r for r in results if not isinstance(r, BaseException)]
    assert len(conflicts) == 1 and len(wins) == 1
    assert conflicts[0].winner == stored[0] == wins[0].pick


async def test_log_order_is_commit_order_across_seats(store: Store) -> None:
    """Picks read back in the order they were recorded, which is the order a replay applies."""
    pod_id = await drafting_pod(store, seats=3)
    order = [(1, 1), (0, 1), (2, 1), (0, 2), (2, 2), (1, 2)]
    for seat_no, pick_no in order:
        await store.picks.record(pick(pod_id, seat_no, pick_no, seat_no))
    snap = await store.pods.snapshot(pod_id)
    assert [(p.seat_no, p.pick_no) for p in snap.picks] == order


async def test_log_survives_a_restart(db_url: str) -> None:
    """A store opened again on the same database replays the same picks."""
    first = await open_store(db_url)
    pod_id = await drafting_pod(first)
    recorded = [(await first.picks.record(pick(pod_id, 0, n, n))).pick for n in (1, 2, 3)]
    await first.close()
    second = await open_store(db_url)
    try:
        assert (await second.pods.snapshot(pod_id)).picks == tuple(recorded)
    finally:
        await second.close()


async def test_pick_in_a_pod_that_is_not_drafting_is_refused(store: Store) -> None:
    """Only a drafting pod takes picks; a repeat of a stored pick still answers after the end."""
    pod_id = await drafting_pod(store)
    stored = await store.picks.record(pick(pod_id, 0, 1, 2))
    await store.pods.end(pod_id, "cancelled", NOW)
    assert (await store.picks.record(pick(pod_id, 0, 1, 2))).pick == stored.pick
    with pytest.raises(PodStateError):
        await store.picks.record(pick(pod_id, 0, 2, 2))


async def test_pick_for_a_seat_the_pod_lacks_is_refused(store: Store) -> None:
    """A seat number past the table is named in the error and nothing is written."""
    pod_id = await drafting_pod(store)
    with pytest.raises(SeatNotFound) as caught:
        await store.picks.record(pick(pod_id, 5, 1, 0))
    assert caught.value.seat_no == 5
    assert await store.picks.for_pod(pod_id) == ()


@pytest.mark.parametrize(
    "field",
    [
        pytest.param({"pick_no": 0}, id="pick-zero"),
        pytest.param({"card_index": -1}, id="negative-index"),
        pytest.param({"seat_no": -1}, id="negative-seat"),
        pytest.param({"source": "magic"}, id="unknown-source"),
        pytest.param({"picked_at": NOW.replace(tzinfo=None)}, id="naive-time"),
        pytest.param({"card_id": ""}, id="no-card"),
    ],
)
def test_bad_pick_is_refused_before_any_write(field: dict) -> None:
    """A pick that breaks the log's rules cannot even be built."""
    with pytest.raises(InvalidRecord):
        dataclasses.replace(pick(1, 0, 1, 0), **field)
