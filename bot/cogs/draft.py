"""``/draft``: create, join, leave, start, cancel, kick, status, pool, deck, log, queue."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.draft.catalog import Catalog
from bot.service import CreateOptions, LivePod, NoPodHere, ServiceError
from bot.ui.components import actor_of, lobby_view, player_of, queue_view, refuse
from bot.ui.embeds import lobby_embed

if TYPE_CHECKING:
    from bot.app import DraftBot

MENTION = re.compile(r"<@!?(\d{15,21})>")
TimerChoice = Literal["fixed", "scaled", "mtr", "none"]
DeckFormat = Literal["arena", "mtgo", "text"]


def set_choices(catalog: Catalog, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete over the sets of ``sets/``: code or name containing what was typed."""
    wanted = current.strip().lower()
    return [
        app_commands.Choice(name=f"{code} · {card_set.name}"[:100], value=code)
        for code, card_set in sorted(catalog.sets.items())
        if wanted in code.lower() or wanted in card_set.name.lower()
    ][:25]


class DraftCog(commands.GroupCog, group_name="draft", group_description="Booster drafts"):
    def __init__(self, bot: DraftBot) -> None:
        self.bot = bot
        super().__init__()

    @property
    def service(self) -> Any:
        return self.bot.service

    @app_commands.command(name="create", description="Open a draft lobby in this channel")
    @app_commands.describe(
        set="The set or cube to draft",
        pick_seconds="Time for a pick (a full pack's, with the scaled timer); 0: no timer",
        timer="How pick time is measured",
        seats="Seats at the table, bot drafters included",
        bots="Bot drafters taking seats",
        packs="Packs each player opens",
        open="Anyone may join (false: only the invited players)",
        players="Invited players, as mentions",
    )
    async def create(
        self,
        interaction: discord.Interaction[Any],
        set: str,
        pick_seconds: app_commands.Range[int, 0, 600] | None = None,
        timer: TimerChoice | None = None,
        seats: app_commands.Range[int, 2, 8] | None = None,
        bots: app_commands.Range[int, 0, 7] = 0,
        packs: app_commands.Range[int, 1, 5] | None = None,
        open: bool = True,
        players: str = "",
    ) -> None:
        if interaction.guild_id is None or interaction.channel_id is None:
            await refuse(interaction, ServiceError("Drafts are created in a server channel."))
            return
        draft = self.bot.config.draft
        options = CreateOptions(
            set_code=set,
            pick_seconds=draft.pick_seconds if pick_seconds is None else pick_seconds,
            timer_policy=timer or draft.timer_policy,
            seats=draft.max_seats if seats is None else seats,
            bots=bots,
            packs=draft.packs_per_player if packs is None else packs,
            open=open,
            invited=tuple(int(m) for m in MENTION.findall(players)),
        )
        try:
            state = await self.service.create(
                interaction.guild_id, interaction.channel_id, player_of(interaction.user), options
            )
        except Exception as exc:
            await refuse(interaction, exc)
            return
        pod_id = state.pod.id
        await interaction.response.send_message(
            embed=lobby_embed(state),
            view=lobby_view(pod_id, state.pod.status) or discord.utils.MISSING,
        )
        message = await interaction.original_response()
        await self.bot.presenter.register_lobby(pod_id, message.channel.id, message.id)

    @create.autocomplete("set")
    async def create_sets(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return set_choices(self.bot.catalog(), current)

    @app_commands.command(name="join", description="Join a draft lobby")
    @app_commands.describe(pod="The pod's number (default: the newest lobby in this channel)")
    async def join(self, interaction: discord.Interaction[Any], pod: int | None = None) -> None:
        try:
            pod_id = pod if pod is not None else self._lobby_here(interaction).id
            _, joined = await self.service.join(pod_id, player_of(interaction.user))
        except Exception as exc:
            await refuse(interaction, exc)
            return
        text = (
            f"You joined pod #{pod_id}. Your packs will come by DM."
            if joined
            else (f"You are already in pod #{pod_id}.")
        )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="leave", description="Leave the lobby you are in")
    async def leave(self, interaction: discord.Interaction[Any], pod: int | None = None) -> None:
        try:
            pod_id = pod if pod is not None else self._my_pod(interaction).id
            await self.service.leave(pod_id, interaction.user.id)
        except Exception as exc:
            await refuse(interaction, exc)
            return
        await interaction.response.send_message(f"You left pod #{pod_id}.", ephemeral=True)

    @app_commands.command(
        name="start", description="Start a lobby's draft (creator or Manage Server)"
    )
    async def start(self, interaction: discord.Interaction[Any], pod: int | None = None) -> None:
        try:
            pod_id = pod if pod is not None else self._pod_here(interaction).id
            await self.service.start(pod_id, actor_of(interaction))
        except Exception as exc:
            await refuse(interaction, exc)
            return
        await interaction.response.send_message(
            f"Pod #{pod_id} has started: packs are on their way by DM.", ephemeral=True
        )

    @app_commands.command(name="cancel", description="Cancel a pod (creator or Manage Server)")
    async def cancel(self, interaction: discord.Interaction[Any], pod: int | None = None) -> None:
        try:
            pod_id = pod if pod is not None else self._pod_here(interaction).id
            await self.service.cancel(pod_id, actor_of(interaction))
        except Exception as exc:
            await refuse(interaction, exc)
            return
        await interaction.response.send_message(f"Pod #{pod_id} is cancelled.", ephemeral=True)

    @app_commands.command(
        name="kick", description="Remove a player from a lobby (creator or Manage Server)"
    )
    async def kick(
        self, interaction: discord.Interaction[Any], user: discord.User, pod: int | None = None
    ) -> None:
        try:
            pod_id = pod if pod is not None else self._pod_here(interaction).id
            await self.service.kick(pod_id, actor_of(interaction), user.id)
        except Exception as exc:
            await refuse(interaction, exc)
            return
        await interaction.response.send_message(
            f"{user.mention} is out of pod #{pod_id}.", ephemeral=True
        )

    @app_commands.command(name="status", description="Where a pod stands")
    async def status(self, interaction: discord.Interaction[Any], pod: int | None = None) -> None:
        try:
            live = self.service.get(pod) if pod is not None else self._pod_here(interaction)
        except Exception as exc:
            await refuse(interaction, exc)
            return
        await interaction.response.send_message(
            embed=lobby_embed(self.service.lobby_state(live)), ephemeral=True
        )

    @app_commands.command(name="pool", description="Your picks so far, as a deck view")
    async def pool(self, interaction: discord.Interaction[Any]) -> None:
        try:
            pool = self.service.pool(interaction.user.id)
        except Exception as exc:
            await refuse(interaction, exc)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        image = await self.bot.renderer.pool_async(pool.cards, f"{pool.name} · pod #{pool.pod_id}")
        await interaction.followup.send(
            f"Pod #{pool.pod_id}: {len(pool.cards)} picks.",
            file=discord.File(io.BytesIO(image.data), filename=image.filename),
            ephemeral=True,
        )

    @app_commands.command(name="deck", description="Export your pool as a decklist")
    @app_commands.describe(format="arena (Arena import), mtgo (.dek) or text")
    async def deck(
        self, interaction: discord.Interaction[Any], format: DeckFormat = "arena"
    ) -> None:
        try:
            name, text = self.service.deck(interaction.user.id, format)
        except Exception as exc:
            await refuse(interaction, exc)
            return
        await interaction.response.send_message(
            file=discord.File(io.BytesIO(text.encode("utf-8")), filename=name), ephemeral=True
        )

    @app_commands.command(name="log", description="Your draft as an MTGO log file")
    async def log(self, interaction: discord.Interaction[Any]) -> None:
        try:
            name, text = self.service.mtgo_log(interaction.user.id)
        except Exception as exc:
            await refuse(interaction, exc)
            return
        await interaction.response.send_message(
            file=discord.File(io.BytesIO(text.encode("utf-8")), filename=name), ephemeral=True
        )

    @app_commands.command(name="queue", description="Queue for a set: you are placed in a pod")
    @app_commands.describe(set="The set or cube to draft")
    async def queue(self, interaction: discord.Interaction[Any], set: str) -> None:
        if interaction.guild_id is None or interaction.channel_id is None:
            await refuse(interaction, ServiceError("Queue in a server channel."))
            return
        try:
            state, opened = await self.service.enqueue(
                interaction.guild_id, interaction.channel_id, player_of(interaction.user), set
            )
        except Exception as exc:
            await refuse(interaction, exc)
            return
        pod_id = state.pod.id
        if opened:
            await interaction.response.send_message(
                embed=lobby_embed(state),
                view=lobby_view(pod_id, state.pod.status) or discord.utils.MISSING,
            )
            message = await interaction.original_response()
            await self.bot.presenter.register_lobby(pod_id, message.channel.id, message.id)
            return
        settings = state.pod.settings
        taken = len([s for s in state.seats if not s.is_bot])
        await interaction.response.send_message(
            f"You are queued in pod #{pod_id} ({taken} of {settings.seats} seats taken). It "
            f"starts when full, or when its fill time is up with at least {settings.min_seats} "
            "players; bot drafters take the empty seats.",
            view=queue_view(pod_id),
            ephemeral=True,
        )

    @queue.autocomplete("set")
    async def queue_sets(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return set_choices(self.bot.catalog(), current)

    # -- which pod a command without a pod number means --------------------------------------

    def _lobby_here(self, interaction: discord.Interaction[Any]) -> LivePod:
        if interaction.channel_id is None:
            raise NoPodHere("Name the pod: /draft join pod:<number>.")
        live: LivePod = self.service.newest_lobby(interaction.channel_id)
        return live

    def _my_pod(self, interaction: discord.Interaction[Any]) -> LivePod:
        live: LivePod | None = self.service.pod_of(interaction.user.id)
        if live is None or live.record.status not in ("open", "drafting"):
            raise NoPodHere("You are not in a running pod.")
        return live

    def _pod_here(self, interaction: discord.Interaction[Any]) -> LivePod:
        """The user's running pod if they have one, else the newest lobby in the channel."""
        try:
            return self._my_pod(interaction)
        except NoPodHere:
            return self._lobby_here(interaction)


async def setup(bot: DraftBot) -> None:
    await bot.add_cog(DraftCog(bot))
