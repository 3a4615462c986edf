"""Pods running side by side: in one channel and in another guild, nothing crosses over."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.draft.mtgo_log import card_name_from_mtgo, parse_mtgo_log

from .harness import Drafter, keys_of, table

PACK = 15  # NEO


async def test_three_pods_in_two_guilds_draft_at_once_and_keep_their_logs_apart(
    tmp_path: Path,
) -> None:
    """Two pods in one channel and one in another guild draft at once; logs stay per pod."""
    async with table(tmp_path) as t:
        await t.start_bot()
        other_guild, other_channel = await t.add_guild("Saturday Draft")
        first = await t.add_players(4)
        second = await t.add_players(2, guild=other_guild)
        tables = [
            (first[0:2], t.channel),
            (first[2:4], t.channel),
            (second, other_channel),
        ]
        pods: dict[int, list[Any]] = {}
        for (creator, joiner), channel in tables:
            pod_id, lobby = await t.create_pod(creator, channel=channel, bots=2, packs=1)
            await t.join(joiner, lobby, pod_id)
            pods[pod_id] = [creator, joiner, lobby]
        assert len(pods) == 3
        for pod_id, (creator, _, lobby) in pods.items():
            await t.start(creator, lobby, pod_id)

        drafters = [
            Drafter(t, user, seed=n)
            for n, user in enumerate(u for p in pods.values() for u in p[:2])
        ]
        await asyncio.wait_for(asyncio.gather(*(d.draft() for d in drafters)), 60)
        assert [d.picks for d in drafters] == [PACK] * 6
        assert [d.refused for d in drafters] == [0] * 6

        for pod_id, (creator, joiner, _) in pods.items():
            picks = await t.picks(pod_id)
            assert set(keys_of(picks).values()) == {1}
            assert len(picks) == 4 * PACK
            log = t.pod_log(pod_id)
            names = {f"Player {t.players.index(u) + 1}" for u in (creator, joiner)}
            assert {s.name for s in log.seats if s.kind == "player"} == names
            assert len(log.picks) == 4 * PACK
            mtgo = t.mtgo_logs(pod_id)
            assert len(mtgo) == 4
            for user in (creator, joiner):
                seat = await t.seat_of(pod_id, user)
                stem = f"Player_{t.players.index(user) + 1}-"
                (path,) = [p for name, p in mtgo.items() if name.startswith(stem)]
                parsed = parse_mtgo_log(path.read_text())
                assert len(parsed.picks) == PACK
                assert f"Player {t.players.index(user) + 1}" in parsed.players
                assert set(parsed.players) <= {s.name for s in log.seats}
                # Each line of the log is this seat's own pick in this pod, in order.
                mine = sorted((p for p in picks if p.seat_no == seat), key=lambda p: p.pick_no)
                assert [_front(card_name_from_mtgo(p.card)) for p in parsed.picks] == [
                    _front(p.card_name) for p in mine
                ]
        every = sorted(p.name for p in t.logs_dir.glob("*.txt"))
        assert len(every) == 12
        assert len(list(t.logs_dir.glob("*.json"))) == 3


def _front(name: str) -> str:
    return name.split(" // ")[0]
