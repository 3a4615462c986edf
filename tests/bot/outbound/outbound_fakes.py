"""A recording transport: Discord's side of the outbound queue, faked at the port."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Call = tuple[Any, ...]


@dataclass(frozen=True)
class SentMessage:
    id: int
    channel_id: int
    fields: Mapping[str, Any]


class Recorder:
    """Records every call in order. ``hold`` (or ``holds[channel]``) makes calls wait until it is
    set; ``failures`` maps (kind, channel) to the exception such a call raises."""

    def __init__(self, bulk_channels: Sequence[int] = ()) -> None:
        self.calls: list[Call] = []
        self.bulk_channels = set(bulk_channels)
        self.failures: dict[tuple[str, int], Exception] = {}
        self.hold: asyncio.Event | None = None
        self.holds: dict[int, asyncio.Event] = {}
        self.started: asyncio.Queue[Call] = asyncio.Queue()
        self.in_flight: dict[int, int] = {}
        self.most_in_flight = 0
        self._ids = itertools.count(1000)

    async def _enter(self, call: Call) -> None:
        channel_id = call[1]
        self.calls.append(call)
        self.in_flight[channel_id] = self.in_flight.get(channel_id, 0) + 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight[channel_id])
        self.started.put_nowait(call)
        try:
            gate = self.holds.get(channel_id, self.hold)
            if gate is not None:
                await gate.wait()
            failure = self.failures.get((call[0], channel_id))
            if failure is not None:
                raise failure
        finally:
            self.in_flight[channel_id] -= 1

    async def send(self, channel_id: int, fields: Mapping[str, Any]) -> SentMessage:
        await self._enter(("send", channel_id, dict(fields)))
        return SentMessage(next(self._ids), channel_id, dict(fields))

    async def edit(
        self, channel_id: int, message_id: int, fields: Mapping[str, Any]
    ) -> SentMessage:
        await self._enter(("edit", channel_id, message_id, dict(fields)))
        return SentMessage(message_id, channel_id, dict(fields))

    async def delete(self, channel_id: int, message_id: int) -> None:
        await self._enter(("delete", channel_id, message_id))

    async def delete_many(self, channel_id: int, message_ids: Sequence[int]) -> None:
        await self._enter(("delete_many", channel_id, tuple(message_ids)))

    def can_bulk_delete(self, channel_id: int) -> bool:
        return channel_id in self.bulk_channels

    def kinds(self) -> list[str]:
        return [call[0] for call in self.calls]
