"""Pick timer policies as pure functions."""

from __future__ import annotations

import pytest

from scheduler.timers import MTR_SECONDS, TimerPolicy, pick_seconds, warning_offset

CASES = [
    ("fixed ignores cards left", TimerPolicy("fixed", 60), 15, 60.0),
    ("fixed last card", TimerPolicy("fixed", 60), 1, 60.0),
    ("scaled full pack gets the maximum", TimerPolicy("scaled", 100, pack_size=15), 15, 100.0),
    ("scaled last card gets a tenth", TimerPolicy("scaled", 100, pack_size=15), 1, 10.0),
    ("scaled midway is linear", TimerPolicy("scaled", 100, pack_size=15), 8, 55.0),
    (
        "scaled larger pack than declared clamps",
        TimerPolicy("scaled", 100, pack_size=14),
        15,
        100.0,
    ),
    ("scaled one-card packs", TimerPolicy("scaled", 30, pack_size=1), 1, 30.0),
    ("mtr full pack", TimerPolicy("mtr"), 15, 40.0),
    ("mtr 13 cards left", TimerPolicy("mtr"), 13, 35.0),
    ("mtr last card", TimerPolicy("mtr"), 1, 5.0),
    ("mtr oversized pack", TimerPolicy("mtr"), 20, 40.0),
    ("none has no limit", TimerPolicy("none"), 15, None),
]


@pytest.mark.parametrize(
    ("policy", "cards_left", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_pick_seconds(policy: TimerPolicy, cards_left: int, expected: float | None) -> None:
    """Each policy gives the documented limit for a pack with that many cards left."""
    got = pick_seconds(policy, cards_left)
    assert got == (None if expected is None else pytest.approx(expected))


def test_mtr_table_is_the_tournament_table() -> None:
    """The MTR table is the paper one, read by cards left from 15 down to 1."""
    got = [pick_seconds(TimerPolicy("mtr"), left) for left in range(15, 0, -1)]
    assert got == [float(s) for s in MTR_SECONDS]
    assert MTR_SECONDS == (40, 40, 35, 30, 25, 25, 20, 20, 15, 10, 10, 5, 5, 5, 5)


WARNINGS = [
    ("warns before the limit", TimerPolicy("fixed", 60, 15), 60.0, 45.0),
    ("no warning configured", TimerPolicy("fixed", 60, 0), 60.0, None),
    ("warning longer than the pick", TimerPolicy("fixed", 10, 15), 10.0, None),
    ("untimed pick", TimerPolicy("none", 0, 15), None, None),
]


@pytest.mark.parametrize(
    ("policy", "limit", "expected"), [c[1:] for c in WARNINGS], ids=[c[0] for c in WARNINGS]
)
def test_warning_offset(policy: TimerPolicy, limit: float | None, expected: float | None) -> None:
    """The warning comes warning_seconds before the deadline, only when that fits."""
    assert warning_offset(policy, limit) == expected


BAD = [
    ("unknown kind", {"kind": "blitz", "seconds": 5}),
    ("fixed without seconds", {"kind": "fixed"}),
    ("negative warning", {"kind": "fixed", "seconds": 5, "warning_seconds": -1}),
    ("empty pack", {"kind": "scaled", "seconds": 5, "pack_size": 0}),
]


@pytest.mark.parametrize("kwargs", [c[1] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_policies_are_refused(kwargs: dict) -> None:
    """A policy that cannot time a pick is refused when it is built."""
    with pytest.raises(ValueError):
        TimerPolicy(**kwargs)


def test_cards_left_must_be_positive() -> None:
    """A pack with no cards has no pick to time."""
    with pytest.raises(ValueError):
        pick_seconds(TimerPolicy("fixed", 5), 0)
