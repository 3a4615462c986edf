"""Properties of any draft: each card picked once, full pools, packs passed intact, exact replay."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.draft.errors import NoSuchCard, NoSuchPick, NotYourTurn, StalePick
from bot.draft.events import PackReady, SeatFinished, SeatIdle
from bot.draft.pod import Pod, replay
from bot.draft.records import Seat, SeatKind
from tests.draft.pod_fixtures import deal, synthetic_set

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def pods(draw: st.DrawFn) -> tuple[Pod, random.Random]:
    seats = draw(st.integers(min_value=1, max_value=8))
    kinds: list[SeatKind] = draw(
        st.lists(st.sampled_from(["player", "bot"]), min_size=seats, max_size=seats)
    )
    pack_size = draw(st.integers(min_value=1, max_value=15))
    packs = draw(st.integers(min_value=1, max_value=3))
    seed = draw(st.integers(min_value=0, max_value=2**32))
    card_set = synthetic_set(pack_size=pack_size)
    table = [Seat(f"P{i}", kind) for i, kind in enumerate(kinds)]
    pod = Pod(seed, card_set, table, packs_per_seat=packs, collate=deal)
    return pod, random.Random(draw(st.integers(min_value=0, max_value=2**32)))


def step(pod: Pod, rng: random.Random) -> None:
    """One player pick at a random ready seat, at a random index."""
    ready = [view for view in map(pod.view, range(len(pod.seats))) if view.pack]
    view = rng.choice(ready)
    pod.pick(view.seat, view.pick_no, rng.randrange(len(view.pack)))


def run(pod: Pod, rng: random.Random, steps: int | None = None) -> None:
    """Start the pod and make ``steps`` player picks, or all of them."""
    pod.start()
    made = 0
    while not pod.finished and (steps is None or made < steps):
        step(pod, rng)
        made += 1


@FAST
@given(pods())
def test_every_opened_card_is_picked_exactly_once(case: tuple[Pod, random.Random]) -> None:
    """The pools of all seats together are exactly the cards of all opened packs."""
    pod, rng = case
    run(pod, rng)
    opened = Counter(card.id for round_packs in pod.packs for pack in round_packs for card in pack)
    picked = Counter(card_id for pool in pod.state().pools for card_id in pool)
    assert picked == opened


@FAST
@given(pods())
def test_every_seat_ends_with_packs_times_pack_size_picks(case: tuple[Pod, random.Random]) -> None:
    """A finished pod gives every seat one pick per card of its packs, numbered 1..total."""
    pod, rng = case
    run(pod, rng)
    for seat in range(len(pod.seats)):
        numbers = [r.pick_no for r in pod.picks if r.seat == seat]
        assert numbers == list(range(1, pod.packs_per_seat * pod.pack_size + 1))
        assert len(pod.pool(seat)) == pod.total_picks


@FAST
@given(pods())
def test_a_seat_sees_what_its_neighbour_passed(case: tuple[Pod, random.Random]) -> None:
    """Pick k+1 of a seat shows the upstream neighbour's pick-k pack less the neighbour's pick."""
    pod, rng = case
    run(pod, rng)
    seats = len(pod.seats)
    records = {(r.seat, r.pick_no): r for r in pod.picks}
    for seat in range(seats):
        seen = pod.seen(seat)
        for k in range(1, pod.total_picks):
            if k % pod.pack_size == 0:
                continue  # pick k+1 opens a new pack
            round_index = k // pod.pack_size
            upstream = (seat - 1) % seats if round_index % 2 == 0 else (seat + 1) % seats
            passed = list(pod.seen(upstream)[k - 1])
            del passed[records[(upstream, k)].index]
            assert list(seen[k]) == passed


@FAST
@given(pods(), st.data())
def test_repeated_stale_and_early_picks_change_nothing(
    case: tuple[Pod, random.Random], data: st.DataObject
) -> None:
    """A repeat is a no-op; a stale, early or out-of-pack pick is refused and changes nothing."""
    pod, rng = case
    run(pod, rng, data.draw(st.integers(min_value=0, max_value=pod.total_picks * len(pod.seats))))
    before = pod.state()
    for record in pod.picks[-5:]:
        assert pod.pick(record.seat, record.pick_no, record.index, by=record.by) == []
        with pytest.raises(StalePick):
            pod.pick(record.seat, record.pick_no, record.index + 1, by=record.by)
    for seat in range(len(pod.seats)):
        view = pod.view(seat)
        if view.finished:
            continue
        ahead = NotYourTurn if view.pick_no < pod.total_picks else NoSuchPick
        with pytest.raises(ahead):
            pod.pick(seat, view.pick_no + 1, 0)
        if view.pack:
            with pytest.raises(NoSuchCard):
                pod.pick(seat, view.pick_no, len(view.pack))
        else:
            with pytest.raises(NotYourTurn):
                pod.pick(seat, view.pick_no, 0)
    assert pod.state() == before


@FAST
@given(pods(), st.data())
def test_replay_equals_the_live_state(case: tuple[Pod, random.Random], data: st.DataObject) -> None:
    """Replaying the pick log at any point rebuilds queues, pools, views and the log exactly."""
    pod, rng = case
    run(pod, rng, data.draw(st.integers(min_value=0, max_value=pod.total_picks * len(pod.seats))))
    again = replay(
        pod.seed,
        pod.card_set,
        pod.seats,
        pod.picks,
        packs_per_seat=pod.packs_per_seat,
        collate=deal,
    )
    assert again.state() == pod.state()
    assert [again.view(s) for s in range(len(pod.seats))] == [
        pod.view(s) for s in range(len(pod.seats))
    ]
    assert [again.seen(s) for s in range(len(pod.seats))] == [
        pod.seen(s) for s in range(len(pod.seats))
    ]


@FAST
@given(pods())
def test_every_player_pick_is_announced_once_in_order(case: tuple[Pod, random.Random]) -> None:
    """Each player seat gets PackReady for picks 1..total once each, a wait only between them."""
    pod, rng = case
    events = pod.start()
    while not pod.finished:
        ready = [view for view in map(pod.view, range(len(pod.seats))) if view.pack]
        view = rng.choice(ready)
        events += pod.pick(view.seat, view.pick_no, rng.randrange(len(view.pack)))
    for seat, info in enumerate(pod.seats):
        mine = [
            e
            for e in events
            if isinstance(e, PackReady | SeatIdle | SeatFinished) and e.seat == seat
        ]
        if info.is_bot:
            assert mine == []
            continue
        expected = 1
        for event in mine:
            if isinstance(event, PackReady):
                assert event.pick_no == expected
                expected += 1
            elif isinstance(event, SeatIdle):
                assert event.next_pick_no == expected <= pod.total_picks
            else:
                assert expected == pod.total_picks + 1 and event is mine[-1]
        assert expected == pod.total_picks + 1
