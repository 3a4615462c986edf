"""The collision rules of the outbound queue, one named case per rule, on a recording transport."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest

from bot.outbound import OutboundQueue
from tests.bot.outbound.outbound_fakes import Recorder, SentMessage

Op = tuple[Any, ...]
CHANNEL = 1


def submit(queue: OutboundQueue[SentMessage], op: Op) -> asyncio.Future[Any]:
    kind = op[0]
    if kind == "send":
        return queue.send(CHANNEL, op[2], key=op[1])
    if kind == "edit":
        return queue.edit(CHANNEL, op[1], op[2])
    return queue.delete(CHANNEL, op[1])


def outcome(result: Any) -> Any:
    return result.id if isinstance(result, SentMessage) else result


@dataclass(frozen=True)
class Case:
    ops: list[Op]
    calls: list[Op]
    results: list[Any]


WAITING_CASES = {
    "send+send: newer wins": Case(
        ops=[("send", "pack:3", {"content": "old"}), ("send", "pack:3", {"content": "new"})],
        calls=[("send", CHANNEL, {"content": "new"})],
        results=[1000, 1000],
    ),
    "edit+edit: merged, newer fields win": Case(
        ops=[
            ("edit", 5, {"content": "a", "embed": "e1"}),
            ("edit", 5, {"content": "b"}),
            ("edit", 5, {"view": "v"}),
        ],
        calls=[("edit", CHANNEL, 5, {"content": "b", "embed": "e1", "view": "v"})],
        results=[5, 5, 5],
    ),
    "edit+delete: delete": Case(
        ops=[("edit", 5, {"content": "a"}), ("delete", 5)],
        calls=[("delete", CHANNEL, 5)],
        results=[None, None],
    ),
    "delete then edit: edit dropped": Case(
        ops=[("delete", 5), ("edit", 5, {"content": "a"})],
        calls=[("delete", CHANNEL, 5)],
        results=[None, None],
    ),
    "delete+delete: one": Case(
        ops=[("delete", 5), ("delete", 5)],
        calls=[("delete", CHANNEL, 5)],
        results=[None, None],
    ),
    "edit, delete, edit: one delete": Case(
        ops=[("edit", 5, {"content": "a"}), ("delete", 5), ("edit", 5, {"content": "b"})],
        calls=[("delete", CHANNEL, 5)],
        results=[None, None, None],
    ),
    "edits of two messages: two calls": Case(
        ops=[("edit", 5, {"content": "a"}), ("edit", 6, {"content": "b"})],
        calls=[("edit", CHANNEL, 5, {"content": "a"}), ("edit", CHANNEL, 6, {"content": "b"})],
        results=[5, 6],
    ),
    "sends without a key: both sent": Case(
        ops=[("send", None, {"content": "a"}), ("send", None, {"content": "b"})],
        calls=[("send", CHANNEL, {"content": "a"}), ("send", CHANNEL, {"content": "b"})],
        results=[1000, 1001],
    ),
    "sends with two keys: both sent": Case(
        ops=[("send", "pack:1", {"content": "a"}), ("send", "pack:2", {"content": "b"})],
        calls=[("send", CHANNEL, {"content": "a"}), ("send", CHANNEL, {"content": "b"})],
        results=[1000, 1001],
    ),
}


@pytest.mark.parametrize("case", WAITING_CASES.values(), ids=WAITING_CASES.keys())
async def test_jobs_waiting_on_one_key_collapse(case: Case) -> None:
    """Jobs on one key that are all still waiting become the calls the rule names."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=0)
    futures = [submit(queue, op) for op in case.ops]
    results = await asyncio.wait_for(asyncio.gather(*futures), 5)
    assert transport.calls == case.calls
    assert [outcome(r) for r in results] == case.results
    await queue.aclose()


RUNNING_CASES = {
    "edit behind a running edit: its own call": Case(
        ops=[("edit", 5, {"content": "a", "embed": "e"}), ("edit", 5, {"content": "b"})],
        calls=[
            ("edit", CHANNEL, 5, {"content": "a", "embed": "e"}),
            ("edit", CHANNEL, 5, {"content": "b"}),
        ],
        results=[5, 5],
    ),
    "send behind a running send of its key: sent too": Case(
        ops=[("send", "pack:3", {"content": "a"}), ("send", "pack:3", {"content": "b"})],
        calls=[("send", CHANNEL, {"content": "a"}), ("send", CHANNEL, {"content": "b"})],
        results=[1000, 1001],
    ),
    "delete behind a running edit: its own call": Case(
        ops=[("edit", 5, {"content": "a"}), ("delete", 5)],
        calls=[("edit", CHANNEL, 5, {"content": "a"}), ("delete", CHANNEL, 5)],
        results=[5, None],
    ),
    "edit behind a running delete: dropped": Case(
        ops=[("delete", 5), ("edit", 5, {"content": "a"})],
        calls=[("delete", CHANNEL, 5)],
        results=[None, None],
    ),
    "delete behind a running delete: one call": Case(
        ops=[("delete", 5), ("delete", 5)],
        calls=[("delete", CHANNEL, 5)],
        results=[None, None],
    ),
}


@pytest.mark.parametrize("case", RUNNING_CASES.values(), ids=RUNNING_CASES.keys())
async def test_running_job_is_never_changed(case: Case) -> None:
    """A job already handed to Discord keeps its content; later jobs wait or ride along."""
    transport = Recorder()
    transport.hold = asyncio.Event()
    queue = OutboundQueue(transport, coalesce_seconds=0)
    first = submit(queue, case.ops[0])
    running = await asyncio.wait_for(transport.started.get(), 5)
    rest = [submit(queue, op) for op in case.ops[1:]]
    assert transport.calls == [running]
    transport.hold.set()
    results = await asyncio.wait_for(asyncio.gather(first, *rest), 5)
    assert transport.calls == case.calls
    assert [outcome(r) for r in results] == case.results
    await queue.aclose()


@pytest.mark.parametrize(
    ("bulk", "ids", "calls"),
    [
        pytest.param(True, [5, 6, 7], [("delete_many", CHANNEL, (5, 6, 7))], id="bulk-channel"),
        pytest.param(True, [5], [("delete", CHANNEL, 5)], id="bulk-channel-one-message"),
        pytest.param(
            False,
            [5, 6, 7],
            [("delete", CHANNEL, 5), ("delete", CHANNEL, 6), ("delete", CHANNEL, 7)],
            id="dm-channel",
        ),
    ],
)
async def test_waiting_deletes_go_in_bulk_where_the_channel_allows(
    bulk: bool, ids: list[int], calls: list[Op]
) -> None:
    """Deletes waiting in a channel that can bulk delete become one call; elsewhere one each."""
    transport = Recorder(bulk_channels=[CHANNEL] if bulk else [])
    queue = OutboundQueue(transport, coalesce_seconds=0)
    futures = [queue.delete(CHANNEL, message_id) for message_id in ids]
    assert await asyncio.wait_for(asyncio.gather(*futures), 5) == [None] * len(ids)
    assert transport.calls == calls
    await queue.aclose()


async def test_bulk_delete_takes_at_most_one_hundred() -> None:
    """Discord's bulk delete limit of 100 messages splits a larger batch."""
    transport = Recorder(bulk_channels=[CHANNEL])
    queue = OutboundQueue(transport, coalesce_seconds=0)
    futures = [queue.delete(CHANNEL, message_id) for message_id in range(1, 151)]
    await asyncio.wait_for(asyncio.gather(*futures), 5)
    assert [len(call[2]) for call in transport.calls] == [100, 50]
    await queue.aclose()
