"""A player's pick and their own ``pick_timeout`` arriving together: one pick stands, once."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.sandbox import DriverError, User

from .harness import (
    SMALL_PACK,
    SMALL_SET,
    Drafter,
    Table,
    description,
    keys_of,
    pick_no_of,
    table,
)

# When, around the pick's deadline, the racer chooses: a spread that straddles the moment the
# scheduler's timer reaches the bot, so both orders happen over a draft.
OFFSETS = (-0.06, -0.03, -0.01, 0.0, 0.01, 0.02, 0.04, 0.07)


@dataclass
class Racer:
    """Chooses each pack's card at about the moment its timer fires; notes what it was told."""

    table: Table
    user: User
    deadlines: dict[tuple[int, int, int], datetime | None]
    shift: int
    told: dict[int, str] = field(default_factory=dict)

    async def draft(self, pod_id: int, seat: int) -> None:
        drafter = Drafter(self.table, self.user)
        number = self.shift
        while (found := await drafter.next_pack()) is not None:
            message, menu = found
            pick_no = pick_no_of(menu["custom_id"])
            deadline = self.deadlines.get((pod_id, seat, pick_no))
            assert deadline is not None, "a timed pack came without its deadline"
            offset = OFFSETS[number % len(OFFSETS)]
            number += 1
            await asyncio.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds() + offset))
            value = menu["options"][0]["value"]
            try:
                handle = await drafter.choose(message, menu, value)
            except DriverError:
                # The time-out's edit took the menu away before the choice was sent.
                self.told[pick_no] = "gone: " + description(message)
                continue
            kind = await handle.acknowledged()
            if kind == 7:
                self.told[pick_no] = "took: " + description(message)
            else:
                reply = await handle.message()
                assert reply.ephemeral
                self.told[pick_no] = "refused: " + reply.content


async def test_picks_racing_their_own_timeouts_store_one_pick_and_tell_the_loser(
    tmp_path: Path,
) -> None:
    """Picks sent as their timers fire: one stored pick per (seat, pick), the loser told."""
    async with table(tmp_path) as t:
        await t.start_bot()
        deadlines = t.watch_deadlines()
        players = await t.add_players(3)
        pod_id, lobby = await t.create_pod(
            players[0], set=SMALL_SET, timer="fixed", pick_seconds=1, packs=1, bots=1
        )
        for user in players[1:]:
            await t.join(user, lobby, pod_id)
        await t.start(players[0], lobby, pod_id)
        seats = [await t.seat_of(pod_id, user) for user in players]
        racers = [Racer(t, user, deadlines, shift=3 * n) for n, user in enumerate(players)]
        await asyncio.wait_for(
            asyncio.gather(*(r.draft(pod_id, s) for r, s in zip(racers, seats, strict=True))), 40
        )
        for user in players:
            await t.wait_pool(user)

        picks = await t.picks(pod_id)
        assert set(keys_of(picks).values()) == {1}, "a (seat, pick) was stored twice"
        assert len(picks) == 4 * SMALL_PACK
        stored = {(p.seat_no, p.pick_no): p for p in picks}
        outcomes: Counter[str] = Counter()
        for racer, seat in zip(racers, seats, strict=True):
            assert sorted(racer.told) == list(range(1, SMALL_PACK + 1))
            for pick_no, told in racer.told.items():
                pick = stored[(seat, pick_no)]
                outcome, _, text = told.partition(": ")
                outcomes[f"{outcome} ({pick.source})"] += 1
                if outcome == "took":
                    # The player was shown their card: that is the pick that stands.
                    assert pick.source == "player"
                    assert f"You took **{pick.card_name}**" in text
                elif outcome == "refused":
                    assert pick.source == "timeout"
                    assert f"Time ran out for pick {pick_no}: **{pick.card_name}**" in text, text
                else:
                    assert pick.source == "timeout"
                    assert "Time ran out: auto-picked" in text
        print("race outcomes:", dict(outcomes))
