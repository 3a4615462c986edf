"""The outbound queue's behaviour over time: coalescing, fairness, worker lifecycle, failures."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.outbound import OutboundQueue, QueueClosed, WorkerFailed
from bot.tasks import running_tasks
from tests.bot.outbound.outbound_fakes import Recorder

CHANNEL = 1


async def test_rapid_edits_of_one_message_become_one_call() -> None:
    """N edits arriving within the coalescing delay, with the loop free to run between them,
    make one API call carrying the latest value of every field."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=0.25)
    futures = []
    for n in range(20):
        futures.append(queue.edit(CHANNEL, 5, {"content": f"seats {n}", f"f{n % 3}": n}))
        await asyncio.sleep(0)
    results = await asyncio.wait_for(asyncio.gather(*futures), 5)
    assert transport.calls == [
        ("edit", CHANNEL, 5, {"content": "seats 19", "f0": 18, "f1": 19, "f2": 17})
    ]
    assert {r.id for r in results if r is not None} == {5} and None not in results
    stats = queue.stats()
    assert (stats.submitted, stats.merged, stats.calls) == (20, 19, 1)
    await queue.aclose()


async def test_edits_after_the_delay_are_separate_calls() -> None:
    """An edit that arrives after the previous one went out is a call of its own."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=0.01)
    for n in range(3):
        await asyncio.wait_for(queue.edit(CHANNEL, 5, {"content": str(n)}), 5)
    assert [call[3]["content"] for call in transport.calls] == ["0", "1", "2"]
    await queue.aclose()


async def test_sends_do_not_wait_for_the_coalescing_delay() -> None:
    """A send goes before an older edit that is still inside its coalescing delay."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=30)
    edit = queue.edit(CHANNEL, 5, {"content": "lobby"})
    sent = await asyncio.wait_for(queue.send(CHANNEL, {"content": "pack"}), 5)
    assert sent.id == 1000 and not edit.done()
    assert transport.kinds() == ["send"]
    await queue.aclose(timeout=0)
    with pytest.raises(QueueClosed):
        await edit


@pytest.mark.parametrize(
    ("backlogs", "order"),
    [
        pytest.param({"A": 10, "B": 1}, "ABAAAAAAAAA", id="one-busy-pod-one-quiet"),
        pytest.param({"A": 3, "B": 3, "C": 1}, "ABCABAB", id="three-pods-round-robin"),
        pytest.param({"A": 4}, "AAAA", id="one-pod-in-order"),
    ],
)
async def test_busy_pod_does_not_starve_another(backlogs: dict[str, int], order: str) -> None:
    """Pods sharing a channel take turns: a backlog of one pod does not delay another's
    message until it is worked off."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=0)
    futures = [
        queue.send(CHANNEL, {"content": f"{pod}{n}"}, group=pod)
        for pod, count in backlogs.items()
        for n in range(count)
    ]
    await asyncio.wait_for(asyncio.gather(*futures), 5)
    assert "".join(call[2]["content"][0] for call in transport.calls) == order
    await queue.aclose()


async def test_pod_arriving_while_another_is_busy_goes_next() -> None:
    """A pod's message that arrives while another pod's backlog is being sent is the next call."""
    transport = Recorder()
    transport.hold = asyncio.Event()
    queue = OutboundQueue(transport, coalesce_seconds=0)
    busy = [queue.send(CHANNEL, {"content": f"A{n}"}, group="A") for n in range(10)]
    await asyncio.wait_for(transport.started.get(), 5)
    quiet = queue.send(CHANNEL, {"content": "B0"}, group="B")
    transport.hold.set()
    await asyncio.wait_for(asyncio.gather(*busy, quiet), 5)
    assert [call[2]["content"] for call in transport.calls][:3] == ["A0", "B0", "A1"]
    await queue.aclose()


async def test_a_stuck_channel_does_not_hold_up_another() -> None:
    """Each channel has its own worker: one waiting on Discord blocks no other channel."""
    transport = Recorder()
    transport.holds[CHANNEL] = asyncio.Event()
    queue = OutboundQueue(transport, coalesce_seconds=0)
    stuck = queue.send(CHANNEL, {"content": "slow"})
    await asyncio.wait_for(transport.started.get(), 5)
    other = await asyncio.wait_for(queue.send(2, {"content": "fast"}), 5)
    assert other.channel_id == 2 and not stuck.done()
    transport.holds[CHANNEL].set()
    await asyncio.wait_for(stuck, 5)
    await queue.aclose()


async def test_a_failed_call_reaches_its_caller_and_the_worker_goes_on() -> None:
    """Discord refusing one job fails that job's future only; the next job in the channel runs."""
    transport = Recorder()
    refusal = PermissionError("50007: cannot send messages to this user")
    transport.failures[("send", CHANNEL)] = refusal
    queue = OutboundQueue(transport, coalesce_seconds=0)
    failed = queue.send(CHANNEL, {"content": "pack"})
    edited = queue.edit(CHANNEL, 5, {"content": "lobby"})
    with pytest.raises(PermissionError) as caught:
        await asyncio.wait_for(failed, 5)
    assert caught.value is refusal
    edited_message = await asyncio.wait_for(edited, 5)
    assert edited_message is not None and edited_message.id == 5
    assert (queue.stats().failed, queue.stats().calls) == (1, 2)
    await queue.aclose()


def outbound_workers() -> list[asyncio.Task[None]]:
    return [task for task in running_tasks() if task.get_name().startswith("outbound:")]


@pytest.mark.parametrize("steps", range(12))
async def test_job_arriving_while_the_worker_retires_is_run(steps: int) -> None:
    """For every number of loop steps between a worker's last job and a new one (including the
    steps in which the idle worker is retiring), the new job is run by exactly one worker."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=0, idle_seconds=0)
    await asyncio.wait_for(queue.send(CHANNEL, {"content": "first"}), 5)
    for _ in range(steps):
        await asyncio.sleep(0)
    second = queue.send(CHANNEL, {"content": "second"})
    assert len(outbound_workers()) == 1
    await asyncio.wait_for(second, 5)
    assert transport.kinds() == ["send", "send"]
    assert transport.most_in_flight == 1
    await asyncio.wait_for(asyncio.gather(*outbound_workers()), 5)
    assert queue.stats().workers == 0
    await queue.aclose()


async def test_idle_worker_retires_and_a_new_job_starts_another() -> None:
    """A channel with nothing to do has no worker; its next job brings one back."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=0, idle_seconds=0)
    await asyncio.wait_for(queue.send(CHANNEL, {"content": "a"}), 5)
    await asyncio.wait_for(asyncio.gather(*outbound_workers()), 5)
    assert queue.stats().workers == 0
    await asyncio.wait_for(queue.send(CHANNEL, {"content": "b"}), 5)
    assert transport.kinds() == ["send", "send"]
    await queue.aclose()


async def test_close_sends_what_waits_then_refuses_new_jobs() -> None:
    """Closing lets waiting jobs go out, then refuses new ones with QueueClosed."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=0.01)
    edit = queue.edit(CHANNEL, 5, {"content": "final"})
    await queue.aclose(timeout=5)
    final = await edit
    assert final is not None and final.id == 5
    with pytest.raises(QueueClosed):
        await queue.send(CHANNEL, {"content": "late"})


async def test_close_fails_a_job_discord_never_answered() -> None:
    """A call still hanging when the close timeout ends fails its future; nothing hangs."""
    transport = Recorder()
    transport.hold = asyncio.Event()
    queue = OutboundQueue(transport, coalesce_seconds=0)
    hanging = queue.send(CHANNEL, {"content": "never"})
    behind = queue.send(CHANNEL, {"content": "behind"})
    await asyncio.wait_for(transport.started.get(), 5)
    await queue.aclose(timeout=0.01)
    for future in (hanging, behind):
        with pytest.raises(QueueClosed):
            await future
    assert outbound_workers() == []


async def test_transport_that_cannot_answer_about_bulk_deletes_still_gets_deletes() -> None:
    """A failing capability check falls back to single deletes instead of stopping the worker."""
    transport = Recorder()

    def broken(channel_id: int) -> bool:
        raise RuntimeError("channel cache not ready")

    transport.can_bulk_delete = broken  # type: ignore[method-assign]
    queue = OutboundQueue(transport, coalesce_seconds=0)
    await asyncio.wait_for(asyncio.gather(queue.delete(CHANNEL, 5), queue.delete(CHANNEL, 6)), 5)
    assert transport.kinds() == ["delete", "delete"]
    await queue.aclose()


async def test_worker_dying_of_a_bug_fails_its_jobs_and_the_channel_recovers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unexpected error inside the queue fails the channel's jobs with WorkerFailed (no job
    waits forever, no restart loop); the channel's next job gets a new worker."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=0)
    bug = AssertionError("queue bug")

    def explode(*args: object) -> list[object]:
        raise bug

    monkeypatch.setattr(queue, "_take", explode)
    doomed: list[asyncio.Future[Any]] = [
        queue.send(CHANNEL, {"content": "a"}),
        queue.edit(CHANNEL, 5, {"content": "b"}),
    ]
    for future in doomed:
        with pytest.raises(WorkerFailed) as caught:
            await asyncio.wait_for(future, 5)
        assert caught.value.cause is bug
    monkeypatch.undo()
    assert (await asyncio.wait_for(queue.send(CHANNEL, {"content": "c"}), 5)).id == 1000
    assert transport.kinds() == ["send"]
    await queue.aclose()


async def test_edit_without_coalescing_goes_before_the_send_that_follows_it() -> None:
    """An auto-pick shown on the old pack message reaches the player before the next pack."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=30)
    shown = queue.edit(CHANNEL, 5, {"content": "auto-picked"}, group="pod", coalesce=False)
    sent = queue.send(CHANNEL, {"content": "next pack"}, group="pod")
    await asyncio.wait_for(asyncio.gather(shown, sent), 5)
    assert transport.kinds() == ["edit", "send"]
    await queue.aclose()


async def test_urgent_edit_brings_a_coalescing_edit_forward() -> None:
    """An edit merged with an urgent one goes at once, carrying both edits' fields."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=30)
    lazy = queue.edit(CHANNEL, 5, {"embed": "seats"})
    urgent = queue.edit(CHANNEL, 5, {"content": "starting"}, coalesce=False)
    await asyncio.wait_for(asyncio.gather(lazy, urgent), 5)
    assert transport.calls == [("edit", CHANNEL, 5, {"embed": "seats", "content": "starting"})]
    await queue.aclose()


async def test_fair_turns_hold_after_hundreds_of_pods_came_and_went() -> None:
    """A channel that served many short-lived pods still gives a new pod its turn at once."""
    transport = Recorder()
    queue = OutboundQueue(transport, coalesce_seconds=0)
    for pod in range(600):
        await asyncio.wait_for(queue.send(CHANNEL, {"content": "x"}, group=pod), 5)
    transport.calls.clear()
    busy = [queue.send(CHANNEL, {"content": f"A{n}"}, group="A") for n in range(5)]
    quiet = queue.send(CHANNEL, {"content": "B0"}, group="B")
    await asyncio.wait_for(asyncio.gather(*busy, quiet), 5)
    assert "".join(call[2]["content"][0] for call in transport.calls) == "ABAAAA"
    await queue.aclose()
