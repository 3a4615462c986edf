"""What the bot answered to one interaction the driver sent, awaited on the world's condition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from bot.sandbox.errors import ApiError, DriverError
from bot.sandbox.interactions import CHOICES, MODAL, InteractionRecord
from bot.sandbox.model import LOADING, Message
from bot.sandbox.world import World

T = TypeVar("T")
DEFAULT_TIMEOUT = 5.0


class InteractionHandle:
    """One interaction sent to the bot; await what the bot answered."""

    def __init__(self, world: World, record: InteractionRecord) -> None:
        self._world = world
        self.record = record

    async def _wait(self, predicate: Callable[[], T | None], what: str, timeout: float) -> T:
        return await self._world.wait_for(predicate, what, timeout)

    @property
    def id(self) -> int:
        return self.record.id

    async def acknowledged(self, timeout: float = DEFAULT_TIMEOUT) -> int:
        """The response type (4 to 9) once the bot answered; raises the rejection if refused."""
        record = self.record

        def answered() -> bool:
            return record.acknowledged or bool(record.rejected)

        await self._wait(answered, f"a response to interaction {record.id}", timeout)
        if record.response_type is None:
            raise record.rejected[0]
        return record.response_type

    async def rejection(self, timeout: float = DEFAULT_TIMEOUT) -> ApiError:
        """The first error the local Discord answered to the bot's callback (10062, 40060...)."""
        record = self.record
        return await self._wait(
            lambda: record.rejected[0] if record.rejected else None,
            f"a refused callback for interaction {record.id}",
            timeout,
        )

    async def message(self, timeout: float = DEFAULT_TIMEOUT) -> Message:
        """The response message once it has content (a deferred one after its edit)."""
        world = self._world
        record = self.record

        def ready() -> Message | None:
            message = world.messages.get(record.original_id or 0)
            return message if message is not None and not message.flags & LOADING else None

        return await self._wait(ready, f"the response to {record.id}", timeout)

    async def modal(self, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        if await self.acknowledged(timeout) != MODAL:
            raise DriverError(
                f"interaction {self.id} was answered with type {self.record.response_type}"
            )
        return self.record.response_data

    async def choices(self, timeout: float = DEFAULT_TIMEOUT) -> list[dict[str, Any]]:
        if await self.acknowledged(timeout) != CHOICES:
            raise DriverError(
                f"interaction {self.id} was answered with type {self.record.response_type}"
            )
        return list(self.record.response_data.get("choices") or [])

    async def followups(self, count: int, timeout: float = DEFAULT_TIMEOUT) -> list[Message]:
        world = self._world
        ids = self.record.followup_ids
        await self._wait(lambda: len(ids) >= count, f"{count} follow-ups", timeout)
        return [world.messages[i] for i in ids[:count]]
