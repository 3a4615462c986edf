"""The bot's buttons and menus, as persistent :class:`discord.ui.DynamicItem`s.

Their state lives in the ``custom_id`` (``pick:<pod>:<seat>:<pick_no>``,
``lobby:<action>:<pod>``), so they keep working after a restart with nothing stored in memory.
A ``custom_id`` is never trusted: every click is checked by the service against the stored pod,
the clicking user's seat and the pick that is open now.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.draft import StalePick
from bot.service import (
    Actor,
    PackOffer,
    PickResult,
    Player,
    ServiceError,
    Stopping,
    TimeRanOut,
)
from bot.ui.words import describe

if TYPE_CHECKING:
    from bot.app import DraftBot

log = logging.getLogger(__name__)

LOBBY_ACTIONS = {"join": "Join", "leave": "Leave", "start": "Start"}

ANSWER_WITHIN = 2.0
"""Seconds a pick may take before its answer is deferred: Discord refuses an answer after 3 s
(10062), and the answer itself needs time to travel."""


def bot_of(interaction: discord.Interaction[Any]) -> DraftBot:
    from bot.app import DraftBot

    client = interaction.client
    assert isinstance(client, DraftBot)
    return client


def player_of(user: discord.abc.User) -> Player:
    return Player(user.id, user.display_name)


def actor_of(interaction: discord.Interaction[Any]) -> Actor:
    permissions = interaction.permissions
    return Actor(interaction.user.id, bool(permissions.manage_guild))


async def refuse(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Answer with why nothing happened: seen by the user alone, except a closed-DM warning,
    which the channel sees (the player may not see an ephemeral note in time)."""
    from bot.service import DmClosed

    ephemeral = not isinstance(error, DmClosed)
    text = describe(error)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=ephemeral)
        else:
            await interaction.response.send_message(text, ephemeral=ephemeral)
    except discord.HTTPException as exc:
        log.warning("could not answer an interaction with a refusal: %s", exc)


async def guarded(
    interaction: discord.Interaction[Any],
    handle: Callable[[discord.Interaction[Any]], Awaitable[None]],
) -> None:
    """Handle a player's action so that a stopping bot waits for it, or refuse it once the bot
    is stopping (see :meth:`bot.app.DraftBot.handling`)."""
    try:
        async with bot_of(interaction).handling():
            await handle(interaction)
    except Stopping as exc:
        await refuse(interaction, exc)


class PickSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"pick:(?P<pod>\d+):(?P<seat>\d+):(?P<pick>\d+)",
):
    """The pick menu of one pack message: options ``1``..``N`` match the numbers on the image."""

    def __init__(self, pod_id: int, seat: int, pick_no: int, cards: tuple[Any, ...] = ()) -> None:
        options = [
            discord.SelectOption(
                label=f"{number}. {card.name}"[:100],
                value=str(number),
                description=_describe_card(card),
            )
            for number, card in enumerate(cards, start=1)
        ] or [discord.SelectOption(label="-", value="0")]
        super().__init__(
            discord.ui.Select(
                custom_id=f"pick:{pod_id}:{seat}:{pick_no}",
                placeholder=f"Pick {pick_no}: choose a card",
                options=options,
                min_values=1,
                max_values=1,
            )
        )
        self.pod_id, self.seat, self.pick_no = pod_id, seat, pick_no

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> PickSelect:
        return cls(int(match["pod"]), int(match["seat"]), int(match["pick"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._choose)

    async def _choose(self, interaction: discord.Interaction[Any]) -> None:
        bot = bot_of(interaction)
        data: Any = interaction.data or {}
        values = data.get("values") or []
        if len(values) != 1 or not str(values[0]).isdigit():
            await refuse(interaction, ServiceError("Choose one card from the menu."))
            return
        work = asyncio.ensure_future(
            self._pick(bot, interaction.user.id, int(values[0]), interaction.message)
        )
        done, _ = await asyncio.wait({work}, timeout=ANSWER_WITHIN)
        deferred = not done
        if deferred:
            # A busy pod (its lock, the store's write turn): say "working on it" in time, and
            # edit the message through the interaction when the pick is done. Both calls are
            # outside the global rate limit, unlike an edit of the DM.
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.defer()
        try:
            result, fields = await work
        except Exception as exc:
            await refuse(interaction, exc)
            if isinstance(exc, StalePick | TimeRanOut) and interaction.message is not None:
                # A menu for a pick already made that still works on Discord's side: a pack
                # message sent just before a crash, before the bot recorded it, and shown
                # again by the restart. Take its menu away so it is not chosen from again.
                message = interaction.message
                await bot.presenter.drop_stale_menu(
                    self.pod_id, self.seat, self.pick_no, message.channel.id, message.id
                )
            return
        if fields is None:
            text = f"You already took **{result.card.name}** with that pick."
            await refuse(interaction, ServiceError(text))
            return
        try:
            if deferred:
                await interaction.edit_original_response(**fields)
            else:
                await interaction.response.edit_message(**fields)
        except discord.HTTPException as exc:
            # Too late to answer at all (10062): the pick stands; the DM still has to show it.
            log.warning("pick answer failed (%s); showing it by an edit instead", exc)
            await bot.presenter.show_pick_by_edit(result)

    async def _pick(
        self, bot: DraftBot, user_id: int, number: int, message: discord.Message | None
    ) -> tuple[PickResult, dict[str, Any] | None]:
        """The pick and the answer's fields (None for a repeated pick): one piece of work, so
        the answer can be deferred when it is not ready in time."""
        where = None
        if message is not None:
            where = (message.channel.id, message.id)
        result = await bot.service.pick(
            self.pod_id, self.seat, self.pick_no, number, user_id, answered_on=where
        )
        if result.repeated:
            return result, None
        return result, await bot.presenter.after_pick(result)


def pick_view(offer: PackOffer) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PickSelect(offer.pod_id, offer.seat, offer.pick_no, offer.cards))
    return view


class LobbyButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"lobby:(?P<action>join|leave|start):(?P<pod>\d+)",
):
    def __init__(self, action: str, pod_id: int) -> None:
        style = {
            "join": discord.ButtonStyle.success,
            "leave": discord.ButtonStyle.secondary,
            "start": discord.ButtonStyle.primary,
        }[action]
        super().__init__(
            discord.ui.Button(
                label=LOBBY_ACTIONS[action], style=style, custom_id=f"lobby:{action}:{pod_id}"
            )
        )
        self.action, self.pod_id = action, pod_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> LobbyButton:
        return cls(match["action"], int(match["pod"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._act)

    async def _act(self, interaction: discord.Interaction[Any]) -> None:
        service = bot_of(interaction).service
        try:
            if self.action == "join":
                _, joined = await service.join(self.pod_id, player_of(interaction.user))
                text = (
                    f"You joined pod #{self.pod_id}. Your packs will come by DM."
                    if joined
                    else f"You are already in pod #{self.pod_id}."
                )
            elif self.action == "leave":
                await service.leave(self.pod_id, interaction.user.id)
                text = f"You left pod #{self.pod_id}."
            else:
                await service.start(self.pod_id, actor_of(interaction))
                text = f"Pod #{self.pod_id} has started: packs are on their way by DM."
        except Exception as exc:
            await refuse(interaction, exc)
            return
        await interaction.response.send_message(text, ephemeral=True)


class LeaveQueueButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"queue:leave:(?P<pod>\d+)"
):
    """Leaving the queue is one click, on the note that said where the player was placed."""

    def __init__(self, pod_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Leave the queue",
                style=discord.ButtonStyle.secondary,
                custom_id=f"queue:leave:{pod_id}",
            )
        )
        self.pod_id = pod_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> LeaveQueueButton:
        return cls(int(match["pod"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await guarded(interaction, self._leave)

    async def _leave(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await bot_of(interaction).service.leave(self.pod_id, interaction.user.id)
        except Exception as exc:
            await refuse(interaction, exc)
            return
        await interaction.response.edit_message(
            content=f"You left the queue (pod #{self.pod_id}).", view=None
        )


def queue_view(pod_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(LeaveQueueButton(pod_id))
    return view


def lobby_view(pod_id: int, status: str) -> discord.ui.View | None:
    if status != "open":
        return None
    view = discord.ui.View(timeout=None)
    for action in LOBBY_ACTIONS:
        view.add_item(LobbyButton(action, pod_id))
    return view


def _describe_card(card: Any) -> str | None:
    parts = [card.mana_cost or "", card.type_line or ""]
    text = " · ".join(p for p in parts if p)
    return text[:100] or None


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    PickSelect,
    LobbyButton,
    LeaveQueueButton,
)
