"""A handler written by hand on a DEALER: the test decides what is sent, twice, late or never."""

from __future__ import annotations

import asyncio
from typing import Any

import zmq
import zmq.asyncio

from scheduler import protocol as p


class RawPeer:
    def __init__(self, address: str, identity: bytes, **options: Any) -> None:
        self.context = zmq.asyncio.Context()
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.ROUTING_ID, identity)
        self.socket.setsockopt(zmq.LINGER, 0)
        for name, value in options.items():
            self.socket.setsockopt(getattr(zmq, name), value)
        self.socket.connect(address)
        self._beating: asyncio.Task[None] | None = None

    def beat(self, every: float = 0.2) -> None:
        """Heartbeat in the background, so the scheduler keeps the peer in its routing."""

        async def beats() -> None:
            while True:
                await self.send(p.Heartbeat())
                await asyncio.sleep(every)

        self._beating = asyncio.get_running_loop().create_task(beats())

    async def send(self, message: p.Message) -> None:
        await self.socket.send(p.encode(message))

    async def expect(self, kind: type[p.Message], timeout: float = 5) -> Any:
        """The next message of ``kind`` (others are skipped); TimeoutError if none comes."""
        async with asyncio.timeout(timeout):
            while True:
                message = p.decode(await self.socket.recv(), accept=p.TO_HANDLER)
                if isinstance(message, kind):
                    return message

    async def ask(self, message: p.Message, timeout: float = 5) -> Any:
        """Send a request and wait for its ack or error (matched by ``msg_id``)."""
        await self.send(message)
        async with asyncio.timeout(timeout):
            while True:
                answer = p.decode(await self.socket.recv(), accept=p.TO_HANDLER)
                if isinstance(answer, p.Ack) and answer.msg_id == message.msg_id:  # type: ignore[attr-defined]
                    return answer
                if isinstance(answer, p.Error) and answer.ref == message.msg_id:  # type: ignore[attr-defined]
                    return answer

    def close(self) -> None:
        if self._beating is not None:
            self._beating.cancel()
        self.socket.close(linger=0)
        self.context.term()
