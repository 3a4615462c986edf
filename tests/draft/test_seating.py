"""Seating a pod: bot drafters spread evenly between the players."""

from __future__ import annotations

import pytest

from bot.draft import Seat, spread_bots

CASES = {
    "one player, seven bots": (1, 8, "PBBBBBBB"),
    "two players face each other": (2, 8, "PBBBPBBB"),
    "three players, five bots": (3, 8, "PBPBBPBB"),
    "four players alternate": (4, 8, "PBPBPBPB"),
    "a full table has no bots": (8, 8, "PPPPPPPP"),
    "two players, no room": (2, 2, "PP"),
}


@pytest.mark.parametrize(("players", "size", "shape"), CASES.values(), ids=CASES.keys())
def test_bots_sit_evenly_between_the_players(players: int, size: int, shape: str) -> None:
    """Each player has about the same number of bot seats after them before the next player."""
    humans = [Seat(f"P{n}") for n in range(players)]
    seats = spread_bots(humans, size)
    assert "".join("B" if s.is_bot else "P" for s in seats) == shape
    assert [s.name for s in seats if not s.is_bot] == [h.name for h in humans]
    assert len({s.name for s in seats}) == size


def test_bot_names_never_take_a_players_name() -> None:
    """A player called "Bot 1" keeps the name; the bots are numbered around it."""
    seats = spread_bots([Seat("Bot 1")], 3)
    assert [s.name for s in seats] == ["Bot 1", "Bot 2", "Bot 3"]
