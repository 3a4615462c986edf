"""Interactions after they are dispatched: callbacks, follow-ups and ``@original``.

Discord's rules are kept where a bot can break them: a callback must come within the deadline
(3 s; 10062 Unknown interaction after it), only once (40060), with a response type valid for the
interaction; follow-ups need an acknowledged interaction and a token younger than 15 minutes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox import errors, limits, payloads
from bot.sandbox.errors import ApiError
from bot.sandbox.messages import Body, MessageService
from bot.sandbox.model import EPHEMERAL, LOADING, Message
from bot.sandbox.world import World

COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, CHOICES, MODAL = (
    4,
    5,
    6,
    7,
    8,
    9,
)
VALID_RESPONSES = {
    COMMAND: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, MODAL},
    COMPONENT: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {CHOICES},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}
TOKEN_LIFETIME_SECONDS = 15 * 60


def invalid_response_type(reason: str) -> ApiError:
    form = limits.FormErrors()
    form.add(["type"], "INTERACTION_RESPONSE_TYPE_INVALID", reason)
    return ApiError(400, 50035, "Invalid Form Body", form.tree)


@dataclass(eq=False)
class InteractionRecord:
    """One interaction the driver sent, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    user_id: int
    channel_id: int
    guild_id: int | None
    message_id: int | None
    created: float
    payload: dict[str, Any]
    response_type: int | None = None
    response_data: dict[str, Any] = field(default_factory=dict)
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    rejected: list[ApiError] = field(default_factory=list)
    responding: bool = False

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None


class Interactions:
    def __init__(self, world: World, messages: MessageService, *, deadline: float) -> None:
        self.world = world
        self.messages = messages
        self.deadline = deadline
        self.records: dict[int, InteractionRecord] = {}

    def add(self, record: InteractionRecord) -> InteractionRecord:
        self.records[record.id] = record
        return record

    async def callback(self, interaction_id: int, token: str, body: Body) -> dict[str, Any]:
        record = self.records.get(interaction_id)
        try:
            if record is None or record.token != token:
                raise errors.unknown_interaction()
            return await self._respond(record, body)
        except ApiError as exc:
            if record is not None:
                record.rejected.append(exc)
                await self.world.changed()
            raise

    async def _respond(self, record: InteractionRecord, body: Body) -> dict[str, Any]:
        if time.monotonic() - record.created > self.deadline:
            raise errors.unknown_interaction()
        if record.acknowledged or record.responding:
            raise errors.already_acknowledged()
        record.responding = True
        try:
            return await self._carry_out(record, body)
        finally:
            record.responding = False

    async def _carry_out(self, record: InteractionRecord, body: Body) -> dict[str, Any]:
        kind = body.payload.get("type")
        data = body.payload.get("data") or {}
        if kind not in VALID_RESPONSES[record.type]:
            raise invalid_response_type("Invalid interaction response type")
        if kind == MODAL:
            limits.check_modal(data)
        elif kind == CHOICES:
            limits.check_choices(data)
        channel = self.world.channel(record.channel_id)
        message: Message | None = None
        ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
        visible_to = record.user_id if ephemeral else None
        if kind == CHANNEL_MESSAGE:
            message = await self.messages.create(
                channel, self.world.bot.id, Body(data, body.files),
                visible_to=visible_to, interaction_id=record.id,
            )  # fmt: skip
            record.original_id = message.id
        elif kind == DEFERRED_MESSAGE:
            message = await self.messages.create(
                channel, self.world.bot.id, Body({"flags": data.get("flags") or 0}),
                visible_to=visible_to, interaction_id=record.id, extra_flags=LOADING,
            )  # fmt: skip
            record.original_id = message.id
        elif kind == UPDATE_MESSAGE:
            if record.message_id is None:
                raise invalid_response_type("This interaction has no message to update")
            target = self.world.message(record.channel_id, record.message_id)
            message = await self.messages.edit(target, Body(data, body.files))
        record.response_type = kind
        record.response_data = data
        await self.world.changed()
        result: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.type,
                "response_message_loading": kind == DEFERRED_MESSAGE,
                "response_message_ephemeral": ephemeral,
            },
            "resource": {"type": kind},
        }
        if message is not None:
            result["interaction"]["response_message_id"] = str(message.id)
            result["resource"]["message"] = payloads.message(self.world, message)
        return result

    def by_webhook(self, application_id: int, token: str) -> InteractionRecord:
        record = next((r for r in self.records.values() if r.token == token), None)
        if record is None or application_id != self.world.application_id:
            raise errors.unknown_webhook()
        if time.monotonic() - record.created > TOKEN_LIFETIME_SECONDS:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        if not record.acknowledged:
            raise errors.unknown_webhook()
        return record

    def message(self, record: InteractionRecord, message_id: str) -> Message:
        if message_id == "@original":
            original = record.original_id
            if original is None and record.response_type in (DEFERRED_UPDATE, UPDATE_MESSAGE):
                original = record.message_id
            if original is None:
                raise errors.unknown_message()
            return self.world.message(record.channel_id, original)
        message = self.world.message(record.channel_id, int(message_id))
        if message.interaction_id != record.id and message.id != record.message_id:
            raise errors.unknown_message()
        return message

    async def followup(self, record: InteractionRecord, body: Body) -> Message:
        original = self.world.messages.get(record.original_id or 0)
        if original is not None and original.flags & LOADING and not original.deleted:
            message = await self.messages.edit(original, body, clear_flags=LOADING)
        else:
            flags = int(body.payload.get("flags") or 0)
            channel = self.world.channel(record.channel_id)
            message = await self.messages.create(
                channel, self.world.bot.id, body, interaction_id=record.id,
                visible_to=record.user_id if flags & EPHEMERAL else None,
            )  # fmt: skip
        record.followup_ids.append(message.id)
        await self.world.changed()
        return message

    async def edit(self, record: InteractionRecord, message_id: str, body: Body) -> Message:
        message = self.message(record, message_id)
        return await self.messages.edit(message, body, clear_flags=LOADING)
