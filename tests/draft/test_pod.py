"""The pod's contract with its shell: the events of each change and the refusals, case by case."""

from __future__ import annotations

import random

import pytest

from bot.draft.cards import CardId
from bot.draft.errors import (
    CardMismatch,
    DraftError,
    DraftNotStarted,
    NoSuchCard,
    NoSuchPick,
    NotYourTurn,
    PodSetupError,
    ReplayMismatch,
    StalePick,
    UnknownSeat,
)
from bot.draft.events import (
    DraftFinished,
    PackPassed,
    PackReady,
    PickMade,
    RoundStarted,
    SeatFinished,
    SeatIdle,
)
from bot.draft.pod import Packs, Pod, replay
from bot.draft.records import PickRecord, Seat, fill_with_bots, pick_position
from tests.draft.pod_fixtures import deal, synthetic_set

PLAYERS = (Seat("Ann"), Seat("Bob"), Seat("Cy"))


def players_pod(seats: int = 3, pack_size: int = 4, packs: int = 3, seed: int = 5) -> Pod:
    return Pod(
        seed,
        synthetic_set(pack_size=pack_size),
        PLAYERS[:seats] if seats <= 3 else [Seat(f"P{i}") for i in range(seats)],
        packs_per_seat=packs,
        collate=deal,
    )


def test_start_opens_pack_one_for_every_player() -> None:
    """Starting deals pack 1 to every seat and tells each player its first pick is open."""
    pod = players_pod()
    assert pod.start() == [
        RoundStarted(1, "left"),
        PackReady(0, 1, 1, 1, 4, 0),
        PackReady(1, 1, 1, 1, 4, 0),
        PackReady(2, 1, 1, 1, 4, 0),
    ]
    assert pod.start() == []


def test_a_pick_passes_left_and_leaves_the_picker_idle() -> None:
    """Seat 0's first pick goes to seat 1's queue (behind its own pack); seat 0 then waits."""
    pod = players_pod()
    pod.start()
    first = pod.view(0).pack[2]
    events = pod.pick(0, 1, 2)
    assert events == [
        PickMade(PickRecord(0, 1, 2, first.id, "player")),
        PackPassed(0, 1, 1, 3),
        SeatIdle(0, 2),
    ]
    assert pod.view(1).queued == 1
    assert pod.view(0).waiting


def test_a_waiting_seat_is_told_when_a_pack_arrives() -> None:
    """A seat with an empty queue gets PackReady the moment its neighbour passes to it."""
    pod = players_pod()
    pod.start()
    pod.pick(1, 1, 0)
    events = pod.pick(0, 1, 0)
    assert PackReady(1, 2, 1, 2, 3, 0) in events


def test_rounds_pass_left_right_left_and_the_draft_finishes_once() -> None:
    """Round starts carry the direction; the last pick of the draft ends it."""
    pod = players_pod(pack_size=2)
    rounds: list[RoundStarted] = []
    finished: list[DraftFinished] = []
    rng = random.Random(3)
    events = pod.start()
    while True:
        rounds += [e for e in events if isinstance(e, RoundStarted)]
        finished += [e for e in events if isinstance(e, DraftFinished)]
        if pod.finished:
            break
        view = next(v for v in map(pod.view, range(3)) if v.pack)
        events = pod.pick(view.seat, view.pick_no, rng.randrange(len(view.pack)))
    assert rounds == [RoundStarted(1, "left"), RoundStarted(2, "right"), RoundStarted(3, "left")]
    assert finished == [DraftFinished(18)]


def test_bot_seats_pick_at_once_and_never_ask() -> None:
    """Bot drafters pick as soon as they hold a pack; no PackReady or SeatIdle is about them."""
    seats = fill_with_bots([Seat("Ann")], 4)
    pod = Pod(9, synthetic_set(pack_size=5), seats, collate=deal)
    events = pod.start()
    bot_seats = {1, 2, 3}
    asks = [e for e in events if isinstance(e, PackReady | SeatIdle)]
    assert asks and all(e.seat not in bot_seats for e in asks)
    made = [e.record for e in events if isinstance(e, PickMade)]
    assert {r.seat for r in made} == bot_seats and all(r.by == "bot" for r in made)
    assert all(e.reason for e in events if isinstance(e, PickMade))


def test_bots_fill_a_table_and_the_player_alone_drives_it_to_the_end() -> None:
    """With one player and bots, picking whatever the player holds finishes the draft."""
    pod = Pod(2, synthetic_set(), fill_with_bots([Seat("Ann")], 8), collate=deal)
    pod.start()
    while not pod.finished:
        view = pod.view(0)
        pod.pick(0, view.pick_no, 0)
    assert [s.name for s in pod.seats][:3] == ["Ann", "Bot 1", "Bot 2"]
    assert all(len(pod.pool(s)) == 45 for s in range(8))


def test_views_number_pack_and_pick_in_pack() -> None:
    """pick_no runs over the whole draft; pack_no and pick_in_pack are derived from it."""
    assert [pick_position(n, 15) for n in (1, 15, 16, 30, 31, 45)] == [
        (1, 1),
        (1, 15),
        (2, 1),
        (2, 15),
        (3, 1),
        (3, 15),
    ]


def test_a_timeout_picks_with_a_reason_and_is_idempotent() -> None:
    """pick_timeout auto-picks with a readable reason; the same time-out again does nothing."""
    pod = players_pod()
    pod.start()
    events = pod.autopick(0, 1)
    made = events[0]
    assert isinstance(made, PickMade) and made.record.by == "timeout" and made.reason
    assert pod.autopick(0, 1) == []


def test_a_timeout_that_lost_the_race_is_refused() -> None:
    """A time-out for a pick the player already made is stale; the player's pick stands."""
    pod = players_pod()
    pod.start()
    pod.pick(0, 1, 1)
    with pytest.raises(StalePick) as caught:
        pod.autopick(0, 1)
    assert (caught.value.seat, caught.value.pick_no, caught.value.current) == (0, 1, 2)
    assert pod.picks[0].by == "player"


def _refusal_cases() -> list[tuple[str, tuple[int, int, int], dict[str, str], type[DraftError]]]:
    return [
        ("unknown seat", (7, 1, 0), {}, UnknownSeat),
        ("negative seat", (-1, 1, 0), {}, UnknownSeat),
        ("pick zero", (0, 0, 0), {}, NoSuchPick),
        ("past the last pick", (0, 13, 0), {}, NoSuchPick),
        ("ahead of the current pick", (0, 3, 0), {}, NotYourTurn),
        ("waiting for a pack", (0, 2, 0), {}, NotYourTurn),
        ("index past the pack", (1, 1, 4), {}, NoSuchCard),
        ("negative index", (1, 1, -1), {}, NoSuchCard),
        ("stale with another card", (0, 1, 3), {}, StalePick),
        ("card guard", (1, 1, 0), {"card_id": "no-such-card"}, CardMismatch),
    ]


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [case[1:] for case in _refusal_cases()],
    ids=[case[0] for case in _refusal_cases()],
)
def test_refusals_are_typed_and_change_nothing(
    args: tuple[int, int, int], kwargs: dict[str, str], error: type[DraftError]
) -> None:
    """Each bad pick raises its own DraftError and leaves the pod exactly as it was."""
    pod = players_pod()
    pod.start()
    pod.pick(0, 1, 0)
    before = pod.state()
    with pytest.raises(error):
        pod.pick(*args, card_id=CardId(kwargs["card_id"]) if kwargs else None)
    assert pod.state() == before


def test_a_pick_before_the_start_is_refused() -> None:
    """No pick is possible before the first packs are dealt."""
    with pytest.raises(DraftNotStarted):
        players_pod().pick(0, 1, 0)


def _uneven(card_set: object, seats: int, packs: int, rng: random.Random) -> Packs:
    dealt = deal(synthetic_set(pack_size=4), seats, packs, rng)
    return [[*round_packs[:-1], round_packs[-1][:3]] for round_packs in dealt]


@pytest.mark.parametrize(
    ("seats", "packs", "collate"),
    [
        ([], 3, deal),
        (list(PLAYERS), 0, deal),
        (list(PLAYERS), 3, _uneven),
        ([Seat("Ann"), Seat("Ann", "bot")], 3, deal),
    ],
    ids=["no seats", "no packs", "uneven packs", "two seats of one name"],
)
def test_a_pod_that_cannot_be_made_says_why(seats: list[Seat], packs: int, collate: object) -> None:
    """Bad pod set-ups raise PodSetupError with a reason."""
    with pytest.raises(PodSetupError) as caught:
        Pod(1, synthetic_set(pack_size=4), seats, packs_per_seat=packs, collate=collate)  # type: ignore[arg-type]
    assert caught.value.reason


def test_replay_refuses_a_log_that_does_not_fit() -> None:
    """A record whose card is not at its index names its position in the log."""
    pod = players_pod()
    pod.start()
    pod.pick(0, 1, 0)
    pod.pick(1, 1, 0)
    bad = [pod.picks[0], PickRecord(1, 1, 0, CardId("tst-9999"), "player")]
    with pytest.raises(ReplayMismatch) as caught:
        replay(5, pod.card_set, pod.seats, bad, collate=deal)
    assert caught.value.position == 1


def test_replay_makes_bot_picks_missing_from_the_log() -> None:
    """Bot picks left out of a log are made again, identically, and show up in pod.picks."""
    seats = fill_with_bots([Seat("Ann")], 3)
    pod = Pod(4, synthetic_set(pack_size=4), seats, collate=deal)
    pod.start()
    pod.pick(0, 1, 0)
    players_only = [r for r in pod.picks if r.by != "bot"]
    again = replay(4, pod.card_set, seats, players_only, collate=deal)
    assert again.state().pools == pod.state().pools
    assert sorted(again.picks, key=lambda r: (r.seat, r.pick_no)) == sorted(
        pod.picks, key=lambda r: (r.seat, r.pick_no)
    )


def test_replay_of_a_players_only_log_lets_bots_catch_up() -> None:
    """A log without bot picks still replays when a player waits on a pack a bot passes."""
    seats = (Seat("Bot A", "bot"), Seat("Ann"), Seat("Bob"))
    pod = Pod(8, synthetic_set(pack_size=4), seats, collate=deal)
    pod.start()
    rng = random.Random(1)
    while not pod.finished:
        view = next(v for v in (pod.view(1), pod.view(2)) if v.pack)
        pod.pick(view.seat, view.pick_no, rng.randrange(len(view.pack)))
    players_only = [r for r in pod.picks if r.by != "bot"]
    again = replay(8, pod.card_set, seats, players_only, collate=deal)
    assert again.finished and again.state().pools == pod.state().pools


def test_a_seat_done_before_the_others_is_told_it_has_finished() -> None:
    """A player's last pick while others still draft gives SeatFinished, not SeatIdle."""
    pod = players_pod(seats=2, pack_size=2, packs=1)
    pod.start()
    pod.pick(0, 1, 0)
    pod.pick(1, 1, 0)
    events = pod.pick(0, 2, 0)
    assert events[-1] == SeatFinished(0)
    assert pod.view(0).finished and not pod.finished
    assert pod.pick(1, 2, 0)[-1] == DraftFinished(4)


def test_a_player_pick_after_the_timeout_took_the_same_card_is_stale() -> None:
    """When the time-out won, the player's late pick is refused even for the same card."""
    pod = players_pod()
    pod.start()
    (made, *_) = pod.autopick(0, 1)
    assert isinstance(made, PickMade)
    with pytest.raises(StalePick):
        pod.pick(0, 1, made.record.index)
    assert pod.pick(0, 1, made.record.index, by="timeout") == []
