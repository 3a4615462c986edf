"""Pods and seats: the lobby, the one-running-pod rule, starting, ending, restart queries."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from bot.storage import (
    InvalidRecord,
    PlayerBusy,
    PodFull,
    PodNotFound,
    PodStateError,
    SeatNotFound,
    SeatSpec,
    Store,
)
from bot.storage.schema import seats
from tests.bot.storage.storage_factories import NOW, bot, new_pod, player


async def test_create_seats_the_creator_at_seat_zero(store: Store) -> None:
    """A pod starts open, with its settings stored, and its creator in seat 0."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    assert pod.status == "open" and pod.started_at is None
    assert pod.settings.seats == 8
    assert [(s.seat_no, s.user_id) for s in await store.pods.seats(pod.id)] == [(0, 100)]


async def test_join_takes_the_lowest_free_seat(store: Store) -> None:
    """After a leave, the next player fills the gap rather than growing the table."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    await store.pods.add_seat(pod.id, player(101), NOW)
    await store.pods.add_seat(pod.id, player(102), NOW)
    left = await store.pods.remove_seat(pod.id, 101)
    joined = await store.pods.add_seat(pod.id, player(103), NOW)
    assert (left.seat_no, joined.seat_no) == (1, 1)


async def test_join_twice_is_one_seat(store: Store) -> None:
    """Joining a pod one is already in returns the same seat and adds none."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    first = await store.pods.add_seat(pod.id, player(101), NOW)
    again = await store.pods.add_seat(pod.id, player(101), NOW)
    assert first == again
    assert len(await store.pods.seats(pod.id)) == 2


async def test_full_pod_refuses_a_seat(store: Store) -> None:
    """A pod with every seat taken says so, with its size."""
    pod = await store.pods.create(new_pod(100, seats=2), creator=player(100))
    await store.pods.add_seat(pod.id, player(101), NOW)
    with pytest.raises(PodFull) as caught:
        await store.pods.add_seat(pod.id, player(102), NOW)
    assert (caught.value.pod_id, caught.value.seats) == (pod.id, 2)


async def test_player_is_in_at_most_one_running_pod(store: Store) -> None:
    """Joining a second running pod is refused and names the pod the player is in."""
    first = await store.pods.create(new_pod(100), creator=player(100))
    second = await store.pods.create(new_pod(200), creator=player(200))
    with pytest.raises(PlayerBusy) as caught:
        await store.pods.add_seat(second.id, player(100), NOW)
    assert (caught.value.user_id, caught.value.pod_id) == (100, first.id)
    with pytest.raises(PlayerBusy):
        await store.pods.create(new_pod(100), creator=player(100))
    assert await store.pods.running_pod_of(100) == first.id


async def test_concurrent_joins_of_one_player_seat_them_once(store: Store) -> None:
    """Two pods racing to seat the same player: exactly one wins, the other is refused."""
    pods = [await store.pods.create(new_pod(200 + n)) for n in range(4)]
    results = await asyncio.gather(
        *(store.pods.add_seat(p.id, player(100), NOW) for p in pods), return_exceptions=True
    )
    seated = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, PlayerBusy)]
    assert len(seated) == 1 and len(refused) == 3
    assert await store.pods.running_pod_of(100) == seated[0].pod_id


async def test_database_itself_refuses_a_second_running_seat(store: Store) -> None:
    """The unique index holds the rule even for a write that skips the repository's checks."""
    await store.pods.create(new_pod(100), creator=player(100))
    other = await store.pods.create(new_pod(200))
    row = {"user_id": 100, "display_name": "x", "is_bot": False, "running": True, "joined_at": NOW}
    with pytest.raises(IntegrityError):
        async with store.engine.begin() as conn:
            await conn.execute(insert(seats).values(pod_id=other.id, seat_no=0, **row))


async def test_ended_pod_frees_its_players(store: Store) -> None:
    """Once a pod ends, its players may join another; the old seats stay for the logs."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    await store.pods.end(pod.id, "cancelled", NOW)
    other = await store.pods.create(new_pod(200))
    assert (await store.pods.add_seat(other.id, player(100), NOW)).pod_id == other.id
    assert [s.user_id for s in await store.pods.seats(pod.id)] == [100]


async def test_leave_of_an_absent_player_is_refused(store: Store) -> None:
    """Leaving a pod one is not in says which player and pod."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    with pytest.raises(SeatNotFound) as caught:
        await store.pods.remove_seat(pod.id, 999)
    assert caught.value.user_id == 999


async def test_start_fixes_the_seating_and_keeps_join_times(store: Store) -> None:
    """Start replaces the lobby with the given seat order, bots included, and is drafting."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    await store.pods.add_seat(pod.id, player(101), NOW)
    later = NOW.replace(hour=13)
    snap = await store.pods.start(pod.id, [player(101), bot(1), player(100), bot(2)], later)
    assert snap.pod.status == "drafting" and snap.pod.started_at == later
    assert [(s.seat_no, s.user_id, s.is_bot) for s in snap.seats] == [
        (0, 101, False),
        (1, None, True),
        (2, 100, False),
        (3, None, True),
    ]
    assert snap.seats[0].joined_at == NOW and snap.seats[1].joined_at == later


async def test_start_again_with_the_same_seating_is_a_no_op(store: Store) -> None:
    """A retried start returns the started pod; a different seating is refused."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    await store.pods.add_seat(pod.id, player(101), NOW)
    first = await store.pods.start(pod.id, [player(100), player(101)], NOW)
    again = await store.pods.start(pod.id, [player(100), player(101)], NOW)
    assert first == again
    with pytest.raises(PodStateError):
        await store.pods.start(pod.id, [player(101), player(100)], NOW)


@pytest.mark.parametrize(
    "seating",
    [
        pytest.param([SeatSpec(100, "a")], id="too-few-seats"),
        pytest.param([SeatSpec(100, "a"), SeatSpec(None, "b")] * 5, id="too-many-seats"),
        pytest.param([SeatSpec(100, "a"), SeatSpec(None, "b")], id="seated-player-missing"),
        pytest.param(
            [SeatSpec(100, "a"), SeatSpec(101, "b"), SeatSpec(102, "c")], id="stranger-added"
        ),
        pytest.param([SeatSpec(100, "a"), SeatSpec(100, "a"), SeatSpec(101, "b")], id="twice"),
    ],
)
async def test_start_refuses_a_bad_seating_and_changes_nothing(
    store: Store, seating: list[SeatSpec]
) -> None:
    """A seating that drops, adds or repeats a player, or breaks the size limits, is refused."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    await store.pods.add_seat(pod.id, player(101), NOW)
    with pytest.raises(InvalidRecord):
        await store.pods.start(pod.id, seating, NOW)
    assert (await store.pods.get(pod.id)).status == "open"
    assert [s.user_id for s in await store.pods.seats(pod.id)] == [100, 101]


@pytest.mark.parametrize(
    ("start", "end", "allowed"),
    [
        pytest.param(False, "cancelled", True, id="cancel-lobby"),
        pytest.param(False, "expired", True, id="expire-lobby"),
        pytest.param(False, "finished", False, id="finish-lobby"),
        pytest.param(True, "finished", True, id="finish-draft"),
        pytest.param(True, "cancelled", True, id="cancel-draft"),
        pytest.param(True, "expired", False, id="expire-draft"),
    ],
)
async def test_end_follows_the_lifecycle(
    store: Store, start: bool, end: str, allowed: bool
) -> None:
    """A pod ends only along open -> expired/cancelled and drafting -> finished/cancelled."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    await store.pods.add_seat(pod.id, player(101), NOW)
    if start:
        await store.pods.start(pod.id, [player(100), player(101)], NOW)
    if allowed:
        ended = await store.pods.end(pod.id, end, NOW)  # type: ignore[arg-type]
        assert (ended.status, ended.ended_at) == (end, NOW)
        assert await store.pods.end(pod.id, end, NOW) == ended  # type: ignore[arg-type]
    else:
        with pytest.raises(PodStateError):
            await store.pods.end(pod.id, end, NOW)  # type: ignore[arg-type]


async def test_drafting_pod_refuses_joins_and_leaves(store: Store) -> None:
    """Seats are fixed once the draft starts."""
    pod = await store.pods.create(new_pod(100), creator=player(100))
    await store.pods.start(pod.id, [player(100), bot(1)], NOW)
    with pytest.raises(PodStateError):
        await store.pods.add_seat(pod.id, player(101), NOW)
    with pytest.raises(PodStateError):
        await store.pods.remove_seat(pod.id, 100)


async def test_running_lists_open_and_drafting_pods_only(store: Store) -> None:
    """What a restart brings back: every running pod, and no ended one."""
    open_pod = await store.pods.create(new_pod(100), creator=player(100))
    drafting = await store.pods.create(new_pod(200), creator=player(200))
    await store.pods.start(drafting.id, [player(200), bot(1)], NOW)
    ended = await store.pods.create(new_pod(300))
    await store.pods.end(ended.id, "expired", NOW)
    assert [p.id for p in await store.pods.running()] == [open_pod.id, drafting.id]


async def test_unknown_pod_is_reported(store: Store) -> None:
    """Every pod lookup names the missing id."""
    with pytest.raises(PodNotFound) as caught:
        await store.pods.get(404)
    assert caught.value.pod_id == 404
    with pytest.raises(PodNotFound):
        await store.pods.add_seat(404, player(1), NOW)


async def test_pod_ids_are_never_reused(store: Store) -> None:
    """A deleted pod's id is not handed out again (live buttons carry pod ids)."""
    first = await store.pods.create(new_pod(100))
    async with store.engine.begin() as conn:
        await conn.exec_driver_sql(f"DELETE FROM pods WHERE id = {first.id}")
    assert (await store.pods.create(new_pod(100))).id > first.id
