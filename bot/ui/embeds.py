"""What the bot's messages say: lobby, pack and result embeds built from service values."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.draft import Card
from bot.service import LobbyState, PackOffer

COLOUR = {
    "open": discord.Colour.blurple(),
    "drafting": discord.Colour.gold(),
    "finished": discord.Colour.green(),
    "cancelled": discord.Colour.dark_grey(),
    "expired": discord.Colour.dark_grey(),
}
STATUS = {
    "open": "Lobby open",
    "drafting": "Drafting",
    "finished": "Finished",
    "cancelled": "Cancelled",
    "expired": "Expired: nobody started it in time",
}


def timestamp(moment: datetime, style: str = "R") -> str:
    """Discord's own time tag: every reader sees it in their time zone, counting down live."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def lobby_embed(state: LobbyState) -> discord.Embed:
    pod, settings = state.pod, state.pod.settings
    embed = discord.Embed(
        title=f"Draft pod #{pod.id} · {pod.set_code}",
        colour=COLOUR.get(pod.status, discord.Colour.default()),
        description=(
            f"**{state.set_name}** · {settings.packs} pack{'s' if settings.packs != 1 else ''} "
            f"· {_timer(settings.timer_policy, settings.pick_seconds)}\n"
            f"{STATUS.get(pod.status, pod.status)}"
            + (f" · expires {timestamp(state.expires_at)}" if state.expires_at else "")
        ),
    )
    if pod.status == "open":
        humans = [s for s in state.seats if not s.is_bot]
        lines = [f"{n + 1}. <@{s.user_id}>" for n, s in enumerate(humans)]
        lines += [f"{len(humans) + n + 1}. 🤖 bot drafter" for n in range(settings.bot_drafters)]
        taken = len(humans) + settings.bot_drafters
        embed.add_field(name=f"Seats {taken}/{settings.seats}", value="\n".join(lines) or "-")
        who = "anyone" if settings.open else "invited players"
        embed.set_footer(
            text=f"Join: {who} · at least {settings.min_seats} seats to start "
            f"(bot drafters count) · creator or Manage Server starts"
        )
    elif state.progress and not state.results:
        lines = []
        for seat in state.progress:
            who = f"🤖 {seat.name}" if seat.is_bot else f"<@{seat.user_id}>"
            if seat.finished:
                lines.append(f"{who}: done")
            elif seat.queued:
                held = f"{seat.queued} pack{'s' if seat.queued != 1 else ''} in hand"
                lines.append(f"{who}: pick {seat.picks + 1}/{seat.total} · {held}")
            else:
                lines.append(f"{who}: pick {seat.picks + 1}/{seat.total} · waiting for a pack")
        embed.add_field(name="Table", value="\n".join(lines)[:1024], inline=False)
    if state.results:
        lines = [f"{name}: {colours} · first pick {card}" for name, colours, card in state.results]
        embed.add_field(name="Result", value="\n".join(lines)[:1024], inline=False)
    if state.autopicks:
        embed.add_field(name="Auto-picks", value=str(state.autopicks))
    return embed


def pack_embed(offer: PackOffer, image_name: str, *, note: str = "") -> discord.Embed:
    lines = [
        f"**{offer.set_name}** · {len(offer.cards)} card{'s' if len(offer.cards) != 1 else ''}"
        f" left · pick {offer.pick_no} of {offer.total_picks}"
    ]
    if offer.deadline is not None:
        lines.append(f"Pick by {timestamp(offer.deadline)}, or one is picked for you.")
    if offer.queued:
        lines.append(f"{offer.queued} more pack{'s' if offer.queued != 1 else ''} waiting.")
    lines.append("Choose from the menu, or type the card's number here.")
    if note:
        lines.insert(0, note)
    embed = discord.Embed(
        title=f"Pod #{offer.pod_id} · Pack {offer.pack_no} · Pick {offer.pick_in_pack}",
        description="\n".join(lines),
        colour=discord.Colour.gold(),
    )
    embed.set_image(url=f"attachment://{image_name}")
    return embed


def taken_embed(
    pod_id: int, pack_no: int, pick_in_pack: int, text: str, image_name: str | None
) -> discord.Embed:
    """A pack message after its pick: what was taken, the pack image kept as a record."""
    embed = discord.Embed(
        title=f"Pod #{pod_id} · Pack {pack_no} · Pick {pick_in_pack}",
        description=text,
        colour=discord.Colour.dark_grey(),
    )
    if image_name:
        embed.set_image(url=f"attachment://{image_name}")
    return embed


def card_line(card: Card) -> str:
    return f"**{card.name}**"


def _timer(policy: str, seconds: int) -> str:
    if policy == "none" or (seconds == 0 and policy in ("fixed", "scaled")):
        return "no pick timer"
    if policy == "mtr":
        return "tournament pick times"
    if policy == "scaled":
        return f"{seconds} s per pick, less as packs shrink"
    return f"{seconds} s per pick"
