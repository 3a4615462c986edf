"""The queue's retry of transient failures: same fields (one nonce) each attempt, order kept,
a permanent failure not retried."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import discord
import pytest

from bot.outbound import OutboundQueue, Retry
from bot.outbound.discord_transport import RETRY, prepare, rewind, transient
from tests.bot.outbound.outbound_fakes import Recorder


class Flaky(Recorder):
    """Fails the first ``fails`` calls with ``error``."""

    def __init__(self, error: Exception, fails: int) -> None:
        super().__init__()
        self.error, self.fails = error, fails

    async def send(self, channel_id: int, fields: Mapping[str, Any]) -> Any:
        result = await super().send(channel_id, fields)
        if self.fails:
            self.fails -= 1
            raise self.error
        return result


class Transient(Exception):
    pass


def quick(**kwargs: Any) -> Retry:
    return Retry(lambda e: isinstance(e, Transient), delays=(0.0, 0.0, 0.0), **kwargs)


async def test_a_transient_failure_is_retried_with_the_same_prepared_fields() -> None:
    transport = Flaky(Transient(), fails=2)
    queue = OutboundQueue(transport, coalesce_seconds=0, retry=quick(prepare=prepare))
    message = await queue.send(1, {"content": "pack"})
    await queue.send(1, {"content": "after"})
    sends = [c for c in transport.calls if c[0] == "send"]
    assert [c[2]["content"] for c in sends] == ["pack", "pack", "pack", "after"]
    nonces = {c[2]["nonce"] for c in sends[:3]}
    assert len(nonces) == 1 and sends[3][2]["nonce"] not in nonces
    assert message.fields["content"] == "pack"
    assert queue.stats().retried == 2 and queue.stats().failed == 0
    await queue.aclose()


async def test_retries_run_out_and_a_permanent_failure_is_not_retried() -> None:
    transport = Flaky(Transient(), fails=10)
    queue = OutboundQueue(transport, coalesce_seconds=0, retry=quick())
    with pytest.raises(Transient):
        await queue.send(1, {"content": "x"})
    assert len(transport.calls) == 4
    permanent = Flaky(ValueError("no"), fails=1)
    queue2 = OutboundQueue(permanent, coalesce_seconds=0, retry=quick())
    with pytest.raises(ValueError):
        await queue2.send(1, {"content": "x"})
    assert len(permanent.calls) == 1
    await queue.aclose()
    await queue2.aclose()


class Response:
    def __init__(self, status: int) -> None:
        self.status, self.reason = status, "x"


@pytest.mark.parametrize(("status", "again"), [(429, True), (500, True), (503, True), (404, False)])
def test_discord_errors_that_may_pass(status: int, again: bool) -> None:
    error = discord.HTTPException(Response(status), {"code": 0, "message": "x"})  # type: ignore[arg-type]
    assert transient(error) is again
    assert RETRY.transient is transient


def test_files_are_rewound_before_another_attempt() -> None:
    file = discord.File(io.BytesIO(b"image"), filename="pack.png")
    file.fp.read()
    rewind({"attachments": [file]})
    assert file.fp.read() == b"image"
