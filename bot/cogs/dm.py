"""Typed picks: a player who writes a card's number in the DM picks it from their current pack."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.service import Stopping
from bot.ui.words import describe

if TYPE_CHECKING:
    from bot.app import DraftBot


class TypedPicks(commands.Cog):
    def __init__(self, bot: DraftBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is not None:
            return
        text = message.content.strip().lstrip("#")
        if not text.isdigit():
            return
        try:
            async with self.bot.handling():
                await self._typed(message, text)
        except Stopping as exc:
            await self._reply(message, describe(exc))

    async def _typed(self, message: discord.Message, text: str) -> None:
        offer = self.bot.service.current_offer(message.author.id)
        if offer is None:
            await self._reply(message, "You have no pack in front of you right now.")
            return
        try:
            result = await self.bot.service.pick(
                offer.pod_id, offer.seat, offer.pick_no, int(text), message.author.id
            )
        except Exception as exc:
            await self._reply(message, describe(exc))
            return
        await self.bot.presenter.show_pick_by_edit(result)

    async def _reply(self, message: discord.Message, text: str) -> None:
        self.bot.outbound.send(message.channel.id, {"content": text})


async def setup(bot: DraftBot) -> None:
    await bot.add_cog(TypedPicks(bot))
