"""``/sets``: what can be drafted, one set's details, and reloading ``sets/`` without a restart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs.draft import set_choices
from bot.ui.components import refuse

if TYPE_CHECKING:
    from bot.app import DraftBot


class SetsCog(commands.GroupCog, group_name="sets", group_description="Draftable sets and cubes"):
    def __init__(self, bot: DraftBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="list", description="Every set and cube that can be drafted")
    async def list_sets(self, interaction: discord.Interaction[Any]) -> None:
        catalog = self.bot.catalog()
        lines = [
            f"**{code}** · {s.name} · {s.kind} · {len(s.cards)} cards"
            for code, s in sorted(catalog.sets.items())
        ]
        if catalog.errors:
            lines.append(f"({len(catalog.errors)} file(s) in sets/ could not be read)")
        await interaction.response.send_message(
            "\n".join(lines)[:2000] or "No sets.", ephemeral=True
        )

    @app_commands.command(name="info", description="One set's details")
    async def info(self, interaction: discord.Interaction[Any], code: str) -> None:
        catalog = self.bot.catalog()
        try:
            card_set = catalog.get(code)
        except Exception as exc:
            await refuse(interaction, exc)
            return
        entry = catalog.entries[card_set.code]
        embed = discord.Embed(title=f"{card_set.code} · {card_set.name}")
        embed.add_field(name="Kind", value=card_set.kind)
        embed.add_field(name="Cards", value=str(len(card_set.cards)))
        embed.add_field(name="Pack size", value=str(card_set.pack_size))
        embed.add_field(name="Boosters", value=", ".join(entry.booster_kinds) or "rarity default")
        embed.add_field(
            name="Ratings", value=entry.ratings_file.name if entry.ratings_file else "none"
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @info.autocomplete("code")
    async def codes(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return set_choices(self.bot.catalog(), current)

    @app_commands.command(name="reload", description="Read sets/ again (Manage Server)")
    @app_commands.default_permissions(manage_guild=True)
    async def reload(self, interaction: discord.Interaction[Any]) -> None:
        if not interaction.permissions.manage_guild:
            await interaction.response.send_message(
                "Only a member with Manage Server can reload the sets.", ephemeral=True
            )
            return
        catalog = await self.bot.reload_catalog()
        text = f"Loaded {len(catalog.sets)} sets."
        if catalog.errors:
            text += "\n" + "\n".join(f"- {error}" for error in catalog.errors)[:1800]
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: DraftBot) -> None:
    await bot.add_cog(SetsCog(bot))
