"""The narrow port the outbound queue calls: five operations on a channel, no Discord types.

The bot plugs in :class:`bot.outbound.discord_transport.DiscordTransport`; tests plug in a recorder.
``fields`` are the keyword arguments of discord.py's ``Messageable.send`` / ``Message.edit``
(``content``, ``embed``, ``embeds``, ``view``, ``file``, ``attachments`` ...), passed through.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

M_co = TypeVar("M_co", covariant=True)


class Transport(Protocol[M_co]):
    async def send(self, channel_id: int, fields: Mapping[str, Any]) -> M_co:
        """Post a new message and return it (the caller may need its id)."""
        ...

    async def edit(self, channel_id: int, message_id: int, fields: Mapping[str, Any]) -> M_co:
        """Change the given fields of a message and return the message as edited."""
        ...

    async def delete(self, channel_id: int, message_id: int) -> None:
        """Delete one message; one already gone counts as deleted."""
        ...

    async def delete_many(self, channel_id: int, message_ids: Sequence[int]) -> None:
        """Delete several messages of one channel in as few calls as the channel allows."""
        ...

    def can_bulk_delete(self, channel_id: int) -> bool:
        """Whether :meth:`delete_many` is one call here (guild channels with Manage Messages)."""
        ...
