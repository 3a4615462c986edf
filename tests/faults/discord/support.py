"""Support for the Discord-side fault tests: whole small pods, then the invariants and figures.

A pod here is the end-to-end harness's (:mod:`tests.bot.e2e.harness`): the real bot in this loop,
the real scheduler process, the local Discord. :func:`draft_pod` runs one from lobby to pools;
:func:`outcome` counts what the fault tests promise: picks lost, picks doubled, packs posted
twice, pools delivered. With ``DRAFTPOD_FAULT_FIGURES`` naming a file, each checked pod appends
one JSON line to it (the reliability table is made from those lines).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from bot.sandbox import ApiError, DriverError, User, WaitTimeout
from tests.bot.e2e.harness import (
    SMALL_PACK,
    SMALL_SET,
    Drafter,
    Table,
    is_pack,
    is_pool,
    keys_of,
    pick_no_of,
)

FIGURES_ENV = "DRAFTPOD_FAULT_FIGURES"


class SturdyDrafter(Drafter):
    """A drafter whose answers may be late or lost: it waits long for each, and when Discord
    never confirms the choice it does not stop but waits for whatever the bot shows next."""

    def __init__(self, table: Table, user: User, *, seed: int = 0, answer_wait: float = 30) -> None:
        super().__init__(table, user, seed=seed)
        self.answer_wait = answer_wait
        self.unconfirmed = 0

    async def draft(self, *, limit: int = 200, stop_after: int | None = None) -> None:
        answered = 0
        while not self.done() and (stop_after is None or answered < stop_after):
            found = await self.next_pack(timeout=60)
            if found is None:
                return
            message, menu = found
            value = self.rng.choice(menu["options"])["value"]
            try:
                handle = await self.choose(message, menu, value)
            except DriverError:
                self.refused += 1
                continue
            try:
                kind = await handle.acknowledged(self.answer_wait)
            except (ApiError, WaitTimeout):
                # The callback never landed (10062 after retries): the pick may still stand,
                # shown by an edit of the DM; the next pack tells.
                self.unconfirmed += 1
                kind = None
            if kind in (6, 7):
                self.picks += 1
            elif kind is not None:
                self.refused += 1
            answered += 1
            assert self.picks <= limit


@dataclass
class Outcome:
    """What one pod came to, counted from the store and from what players received."""

    pod_id: int
    status: str
    expected_picks: int
    stored_picks: int
    picks_lost: int
    duplicate_picks: int
    packs_posted_twice: int
    pools: int
    humans: int

    @property
    def complete(self) -> bool:
        return self.status == "finished" and self.pools == self.humans

    def check(self) -> None:
        assert self.status == "finished", self
        assert self.picks_lost == 0 and self.duplicate_picks == 0, self
        assert self.packs_posted_twice == 0, self
        assert self.pools == self.humans, self


async def wait_finished(t: Table, pod_id: int, timeout: float = 60) -> None:
    """Until the pod's record says it ended (the store is the truth)."""
    deadline = asyncio.get_running_loop().time() + timeout
    state: dict[str, str] = {}

    async def status() -> str:
        state["status"] = (await t.live_bot.store.pods.get(pod_id)).status
        return state["status"]

    # The store has no condition to wait on; its status changes in the same loop turn as the
    # pods' in-memory record, which ``service.live`` reflects: wait on the driver's condition
    # (every bot message wakes it) and check the store each time.
    while await status() in ("open", "drafting"):
        left = deadline - asyncio.get_running_loop().time()
        assert left > 0, f"pod {pod_id} still {state['status']} after {timeout}s"
        try:
            await t.driver.wait_for(
                lambda: pod_id not in t.live_bot.service.live or None, f"pod {pod_id} ended", left
            )
        except WaitTimeout:
            continue


async def outcome(
    t: Table, pod_id: int, humans: Sequence[User], *, seats: int, packs: int = 1
) -> Outcome:
    await wait_finished(t, pod_id)
    for user in humans:
        await t.wait_pool(user, timeout=60)
    record = await t.live_bot.store.pods.get(pod_id)
    picks = await t.picks(pod_id)
    keys = keys_of(picks)
    expected = seats * SMALL_PACK * packs if record.set_code == SMALL_SET else -1
    if expected < 0:
        expected = seats * record.settings.pack_size * packs
    menus: Counter[str] = Counter()
    pools = 0
    for user in humans:
        for message in t.driver.messages(user=user):
            if is_pool(message):
                pools += 1
            if is_pack(message):
                first = message.revisions[0].components
                for row in first:
                    for component in row.get("components", []):
                        custom_id = str(component.get("custom_id", ""))
                        if custom_id.startswith(f"pick:{pod_id}:"):
                            menus[custom_id] += 1
    result = Outcome(
        pod_id=pod_id,
        status=record.status,
        expected_picks=expected,
        stored_picks=len(picks),
        picks_lost=expected - len(keys),
        duplicate_picks=sum(n - 1 for n in keys.values()),
        packs_posted_twice=sum(n - 1 for n in menus.values()),
        pools=pools,
        humans=len(humans),
    )
    return result


def record_figures(fault: str, how: str, results: Sequence[Outcome], note: str = "") -> None:
    """Append one line of figures for the reliability table, if asked to."""
    path = os.environ.get(FIGURES_ENV)
    if not path:
        return
    row: dict[str, Any] = {
        "fault": fault,
        "how": how,
        "runs": len(results),
        "completed": sum(1 for r in results if r.complete),
        "picks_lost": sum(r.picks_lost for r in results),
        "duplicate_picks": sum(r.duplicate_picks for r in results),
        "packs_posted_twice": sum(r.packs_posted_twice for r in results),
        "note": note,
        "pods": [asdict(r) for r in results],
    }
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")


def record_input(case: str, how: str, tried: int, refused: int, note: str = "") -> None:
    """A bad-input row: how many were tried and how many were refused cleanly."""
    path = os.environ.get(FIGURES_ENV)
    if not path:
        return
    row = {"input": case, "how": how, "tried": tried, "refused": refused, "note": note}
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(row) + "\n")


async def open_pod(
    t: Table, humans: Sequence[User], *, bots: int, packs: int = 1, **options: Any
) -> int:
    """Create a pod of the six-card set, seat ``humans``, start it; the pod id."""
    creator, *others = humans
    options.setdefault("set", SMALL_SET)
    pod_id, lobby = await t.create_pod(creator, bots=bots, packs=packs, **options)
    for user in others:
        await t.join(user, lobby, pod_id)
    await t.start(creator, lobby, pod_id)
    return pod_id


async def draft_all(drafters: Sequence[Drafter], timeout: float = 120) -> None:
    await asyncio.wait_for(asyncio.gather(*(d.draft() for d in drafters)), timeout)


class Signalling(SturdyDrafter):
    """A sturdy drafter that sets ``chosen`` each time it sends a choice."""

    def __init__(self, table: Table, user: User, chosen: asyncio.Event, *, seed: int = 0) -> None:
        super().__init__(table, user, seed=seed)
        self.chosen = chosen

    async def choose(self, message: Any, menu: dict[str, Any], value: str) -> Any:
        handle = await super().choose(message, menu, value)
        self.chosen.set()
        return handle


async def at_pick(t: Table, user: User, pick_no: int, timeout: float = 60) -> None:
    """Until ``user`` has a pack open at pick ``pick_no`` or later (they made the ones before)."""

    def there() -> bool | None:
        found = Drafter(t, user).current_pack()
        return (found is not None and pick_no_of(found[1]["custom_id"]) >= pick_no) or None

    await t.driver.wait_for(there, f"{user.username} at pick {pick_no}", timeout)


async def refusal(handle: Any, timeout: float = 10) -> str:
    """The text of an ephemeral answer (only the one who acted sees it)."""
    assert await handle.acknowledged(timeout) == 4
    answer = await handle.message(timeout)
    assert answer.ephemeral, answer.content
    return str(answer.content)
