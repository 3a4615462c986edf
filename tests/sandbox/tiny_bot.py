"""A tiny discord.py bot for the local Discord's tests: every feature our bot relies on, once."""

from __future__ import annotations

import asyncio
import io
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from PIL import Image


def png(width: int = 64, height: int = 32, colour: str = "seagreen") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


class PickButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"pick:(?P<n>\d+)"):
    """A persistent button whose state lives in its custom_id, so it works after a restart."""

    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label=f"Pick {n}", custom_id=f"pick:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PickButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.edit_message(content=f"picked {self.n}", view=None)


class PackView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)
        self.add_item(PickButton(1))

    @discord.ui.select(
        custom_id="pack:select",
        placeholder="Pick a card",
        options=[discord.SelectOption(label=f"Card {i}", value=str(i)) for i in range(1, 4)],
    )
    async def choose(
        self, interaction: discord.Interaction, select: discord.ui.Select[Any]
    ) -> None:
        await interaction.response.send_message(f"you chose {select.values[0]}", ephemeral=True)

    @discord.ui.button(label="Pass", custom_id="pack:pass")
    async def pass_(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="passed", view=None)


class NameModal(discord.ui.Modal, title="Your deck name"):
    name: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Name", custom_id="deck:name")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"deck {self.name.value}")


class TinyBot(commands.Bot):
    """``slow_seconds`` is how long /slow makes the user wait: the slow bot under test."""

    def __init__(self, *, sharded: bool = False, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.members = options.pop("members", False)
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.02, **options)
        self.slow_seconds = 0.0
        self.failures: list[discord.HTTPException] = []
        self._failed = asyncio.Event()
        self.dm_texts: list[str] = []
        self.dm_files: list[str] = []
        self.resumed = asyncio.Event()
        self.tree.add_command(hello)
        self.tree.add_command(pack)
        self.tree.add_command(slow)
        self.tree.add_command(ask)
        self.tree.add_command(later)
        self.tree.add_command(tidy)
        self.tree.add_command(card)
        self.tree.add_command(reload)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5-second spacing between IDENTIFYs: the local Discord has no concurrency limit."""

    async def setup_hook(self) -> None:
        self.add_dynamic_items(PickButton)
        self.add_view(PackView())

    def fail(self, exc: discord.HTTPException) -> None:
        self.failures.append(exc)
        self._failed.set()

    async def first_failure(self, timeout: float = 5.0) -> discord.HTTPException:
        """The first HTTP error a command met, once it happened."""
        await asyncio.wait_for(self._failed.wait(), timeout)
        return self.failures[0]

    async def on_resumed(self) -> None:
        self.resumed.set()

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.guild is not None:
            return
        self.dm_texts.append(message.content)
        self.dm_files.extend(a.filename for a in message.attachments)
        await message.channel.send(f"echo: {message.content}", nonce=f"echo{message.id}"[:25])


class ShardedTinyBot(TinyBot, commands.AutoShardedBot):
    pass


@app_commands.command(description="Greets someone")
async def hello(interaction: discord.Interaction, name: str, times: int = 1) -> None:
    await interaction.response.send_message(" ".join([f"hello {name}"] * times))


@hello.autocomplete("name")
async def hello_names(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    names = ["alice", "albert", "bob"]
    return [app_commands.Choice(name=n, value=n) for n in names if n.startswith(current)]


@app_commands.command(description="Sends a pack by DM")
async def pack(interaction: discord.Interaction) -> None:
    bot = interaction.client
    assert isinstance(bot, TinyBot)
    try:
        await interaction.user.send(
            "Your pack", file=discord.File(io.BytesIO(png()), "pack.png"), view=PackView()
        )
    except discord.HTTPException as exc:
        bot.fail(exc)
        await interaction.response.send_message(f"cannot DM you ({exc.code})", ephemeral=True)
        return
    await interaction.response.send_message("sent", ephemeral=True)


@app_commands.command(description="Answers late")
async def slow(interaction: discord.Interaction) -> None:
    bot = interaction.client
    assert isinstance(bot, TinyBot)
    await asyncio.sleep(bot.slow_seconds)
    try:
        await interaction.response.send_message("finally")
    except discord.HTTPException as exc:
        bot.fail(exc)


@app_commands.command(description="Opens a modal")
async def ask(interaction: discord.Interaction) -> None:
    await interaction.response.send_modal(NameModal())


@app_commands.command(description="Thinks, then answers")
async def later(interaction: discord.Interaction) -> None:
    await interaction.response.defer(thinking=True)
    await interaction.followup.send("done thinking")
    await interaction.followup.send("and one more", ephemeral=True)


@app_commands.command(description="Answers, reads the answer back, edits it and deletes it")
async def tidy(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("draft")
    message = await interaction.original_response()
    await message.edit(content=f"{message.content} v2")
    await interaction.delete_original_response()


@app_commands.command(description="Answers with an image inside an embed")
async def card(interaction: discord.Interaction) -> None:
    embed = discord.Embed(title="Card").set_image(url="attachment://card.png")
    await interaction.response.send_message(
        embed=embed, file=discord.File(io.BytesIO(png(20, 28)), "card.png")
    )


@app_commands.command(description="Administrators only")
async def reload(interaction: discord.Interaction) -> None:
    member = interaction.user
    allowed = isinstance(member, discord.Member) and member.guild_permissions.administrator
    await interaction.response.send_message(
        "reloaded" if allowed else "not allowed", ephemeral=True
    )
