"""Message ids a restart re-attaches to, and the matchmaking queue."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from bot.storage import MessageKind, MessageRecord, PlayerBusy, QueueEntry, Store
from tests.bot.storage.storage_factories import NOW, new_pod, player


def message(
    pod_id: int,
    message_id: int,
    kind: MessageKind = "pack",
    seat_no: int | None = None,
    pick_no: int | None = None,
) -> MessageRecord:
    return MessageRecord(message_id, 77, pod_id, kind, NOW, seat_no=seat_no, pick_no=pick_no)


async def current_id(store: Store, pod_id: int, kind: MessageKind, seat: int | None = None) -> int:
    found = await store.messages.current(pod_id, kind, seat)
    assert found is not None
    return found.message_id


async def test_current_message_of_a_slot_is_the_newest(store: Store) -> None:
    """A seat's pack message is the newest sent for that seat; other seats and kinds are apart."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    await store.messages.put(message(pod.id, 500, "lobby"))
    await store.messages.put(message(pod.id, 510, seat_no=0, pick_no=1))
    await store.messages.put(message(pod.id, 520, seat_no=1, pick_no=1))
    await store.messages.put(message(pod.id, 530, seat_no=0, pick_no=4))
    assert await current_id(store, pod.id, "lobby") == 500
    assert await current_id(store, pod.id, "pack", 0) == 530
    assert await current_id(store, pod.id, "pack", 1) == 520
    assert await store.messages.current(pod.id, "result") is None


async def test_put_again_updates_what_the_message_shows(store: Store) -> None:
    """Editing a pack message to a later pick updates its row, it does not add one."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    await store.messages.put(message(pod.id, 510, seat_no=0, pick_no=1))
    later = message(pod.id, 510, seat_no=0, pick_no=2)
    await store.messages.put(later)
    assert await store.messages.for_pod(pod.id) == (later,)


async def test_forget_drops_a_deleted_message(store: Store) -> None:
    """A message deleted in Discord is forgotten once; forgetting it again says so."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    await store.messages.put(message(pod.id, 510, seat_no=0))
    assert await store.messages.forget(510)
    assert not await store.messages.forget(510)
    assert await store.messages.for_pod(pod.id) == ()


def entry(user_id: int, minutes: int = 0, set_code: str = "NEO") -> QueueEntry:
    return QueueEntry(user_id, 1, 10, set_code, NOW + timedelta(minutes=minutes))


async def test_queue_is_first_come_first_served_per_set(store: Store) -> None:
    """Waiting players come back in arrival order, for their guild and set only."""
    await store.queue.enter(entry(3, minutes=2))
    await store.queue.enter(entry(1, minutes=0))
    await store.queue.enter(entry(2, minutes=1, set_code="MH3"))
    assert [e.user_id for e in await store.queue.waiting(1, "NEO")] == [1, 3]


async def test_queueing_again_moves_the_entry(store: Store) -> None:
    """One entry per player: queueing for another set replaces the first."""
    await store.queue.enter(entry(1, set_code="NEO"))
    await store.queue.enter(entry(1, set_code="MH3"))
    assert await store.queue.waiting(1, "NEO") == ()
    assert await store.queue.get(1) == entry(1, set_code="MH3")
    assert await store.queue.leave(1) == entry(1, set_code="MH3")
    assert await store.queue.leave(1) is None


async def test_fillable_pods_fullest_first_and_cleared_at_start(store: Store) -> None:
    """Queue pods of a set are offered fullest first; starting one clears its entries."""
    small = await store.pods.create(new_pod(100, origin="queue"), creator=player(100))
    big = await store.pods.create(new_pod(200, origin="queue"), creator=player(200))
    await store.pods.add_seat(big.id, player(201), NOW)
    await store.pods.create(new_pod(300), creator=player(300))
    fillable = await store.queue.fillable(1, "NEO")
    assert [(p.id, taken) for p, taken in fillable] == [(big.id, 2), (small.id, 1)]
    await store.queue.enter(entry(202))
    await store.queue.place(202, big.id)
    assert await store.queue.get(202) == dataclasses.replace(entry(202), pod_id=big.id)
    await store.pods.start(big.id, [player(200), player(201)], NOW)
    assert await store.queue.get(202) is None
    assert [p.id for p, _ in await store.queue.fillable(1, "NEO")] == [small.id]


async def test_player_seated_in_a_running_pod_cannot_queue_elsewhere(store: Store) -> None:
    """Queueing is refused to a player already in a running pod, except for that pod itself."""
    pod = await store.pods.create(new_pod(100, origin="queue"), creator=player(100))
    with pytest.raises(PlayerBusy) as caught:
        await store.queue.enter(entry(100))
    assert caught.value.pod_id == pod.id
    placed = dataclasses.replace(entry(100), pod_id=pod.id)
    assert await store.queue.enter(placed) == placed
