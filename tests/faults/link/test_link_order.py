"""A late copy of an earlier request must not undo a newer one.

The bot sends each pod's requests one at a time, each until acknowledged, so two different
requests of a pod can only arrive out of order when a copy of an earlier one comes late: a
resend the link delayed, or a frame of a handler's previous connection. The proxy's runs do
that by chance; here it is done on purpose.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from scheduler import protocol as p
from scheduler.timers import TimerPolicy
from tests.scheduler.scheduler_support import SchedulerProcess

from .rawpeer import RawPeer


@pytest.fixture
async def peer(scheduler: SchedulerProcess) -> AsyncIterator[RawPeer]:
    raw = RawPeer(scheduler.zmq, b"bot")
    await raw.send(p.Register("bot", ("pick_timeout", "pick_warning", "pod_idle")))
    await raw.expect(p.Registered)
    raw.beat()
    yield raw
    raw.close()


async def test_a_late_copy_of_seat_idle_does_not_cancel_the_next_pick_timer(
    peer: RawPeer,
) -> None:
    """seat_waiting(1), seat_idle, seat_waiting(2), then seat_idle's copy: pick 2 times out."""
    policy = TimerPolicy("fixed", 1.0)
    assert isinstance(await peer.ask(p.PodStart("start", "7", 2, policy)), p.Ack)
    assert isinstance(await peer.ask(p.SeatWaiting("w1", "7", 0, 1, 6)), p.Ack)
    idle = p.SeatIdle("idle", "7", 0)
    assert isinstance(await peer.ask(idle), p.Ack)
    second = await peer.ask(p.SeatWaiting("w2", "7", 0, 2, 5))
    assert second.job_id == "pick_timeout:7:0:2" and second.deadline
    again = await peer.ask(idle)
    assert isinstance(again, p.Ack), again
    run = await peer.expect(p.Run, timeout=10)
    assert (run.method, run.params) == ("pick_timeout", {"pod": "7", "seat": 0, "pick_no": 2})


async def test_a_late_copy_of_seat_waiting_keeps_the_newer_pick_timer(peer: RawPeer) -> None:
    """seat_waiting(1), seat_waiting(2), then seat_waiting(1)'s copy: pick 2's timer stands."""
    policy = TimerPolicy("fixed", 1.0)
    assert isinstance(await peer.ask(p.PodStart("start", "8", 2, policy)), p.Ack)
    first = p.SeatWaiting("w1", "8", 0, 1, 6)
    assert isinstance(await peer.ask(first), p.Ack)
    assert isinstance(await peer.ask(p.SeatWaiting("w2", "8", 0, 2, 5)), p.Ack)
    assert isinstance(await peer.ask(first), p.Ack)
    run = await peer.expect(p.Run, timeout=10)
    assert run.params == {"pod": "8", "seat": 0, "pick_no": 2}
