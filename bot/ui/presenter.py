"""The Discord side of the draft service: every lobby and pack message, through the outbound queue.

Discord's global limit (about 50 REST calls a second per bot) is the ceiling of how many pods one
bot carries, so calls are spent where a player needs them: a pick is answered by editing the
message it came from (an interaction response, outside that limit), a new DM is sent only when a
pack reaches a player who was waiting for it (they need the notification), and the lobby's
progress is edited at most every ``progress_seconds`` per pod.
"""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any

import discord

from bot.draft import pick_position
from bot.outbound import OutboundQueue, QueueClosed
from bot.render import PackHeader, RenderedImage, Renderer
from bot.service import DmClosed, LobbyState, PackOffer, PickResult, PoolView
from bot.storage import MessageRecord, PodRecord, Store
from bot.tasks import create_task
from bot.ui.components import lobby_view, pick_view
from bot.ui.embeds import card_line, lobby_embed, pack_embed, taken_embed

log = logging.getLogger(__name__)

CANNOT_DM = 50007


class DiscordPresenter:
    """Implements :class:`bot.service.Presenter` on a discord.py client."""

    def __init__(
        self,
        client: discord.Client,
        outbound: OutboundQueue[Any],
        store: Store,
        renderer: Renderer,
        *,
        progress_seconds: float = 5.0,
    ) -> None:
        self.client = client
        self.outbound = outbound
        self.store = store
        self.renderer = renderer
        self.progress_seconds = progress_seconds
        self._dms: dict[int, int] = {}
        self._lobbies: dict[int, tuple[int, int]] = {}
        self._lobby_state: dict[int, LobbyState] = {}
        self._lobby_flush: dict[int, asyncio.TimerHandle] = {}
        self._seat_locks: dict[tuple[int, int], asyncio.Lock] = {}
        self._pack_images: dict[tuple[int, int], tuple[int, str]] = {}

    # -- direct messages ---------------------------------------------------------------------

    async def dm_channel(self, user_id: int) -> int:
        """The DM channel id of a user; opened once per process (Discord reuses it anyway)."""
        known = self._dms.get(user_id)
        if known is None:
            channel = await self.client.create_dm(discord.Object(user_id))
            known = self._dms[user_id] = channel.id
        return known

    async def welcome(self, pod: PodRecord, user_id: int) -> None:
        try:
            channel = await self.dm_channel(user_id)
            await self.outbound.send(
                channel,
                {
                    "content": f"You are in draft pod #{pod.id} ({pod.set_code}). Your packs "
                    "will arrive here: pick from the menu under each pack, or type a number."
                },
                group=pod.id,
            )
        except discord.Forbidden as exc:
            if exc.code == CANNOT_DM:
                raise DmClosed(user_id) from exc
            raise

    # -- the lobby ---------------------------------------------------------------------------

    async def register_lobby(self, pod_id: int, channel_id: int, message_id: int) -> None:
        self._lobbies[pod_id] = (channel_id, message_id)
        await self.store.messages.put(
            MessageRecord(message_id, channel_id, pod_id, "lobby", datetime.now(UTC))
        )

    def lobby_changed(self, state: LobbyState) -> None:
        pod_id = state.pod.id
        previous = self._lobby_state.get(pod_id)
        self._lobby_state[pod_id] = state
        changed_phase = previous is None or previous.pod.status != state.pod.status
        if state.pod.status != "drafting" or changed_phase:
            self._cancel_flush(pod_id)
            create_task(self._edit_lobby(pod_id), name=f"lobby {pod_id}")
        elif pod_id not in self._lobby_flush:
            loop = asyncio.get_running_loop()
            self._lobby_flush[pod_id] = loop.call_later(
                self.progress_seconds,
                lambda: create_task(self._edit_lobby(pod_id), name=f"lobby {pod_id}"),
            )

    def _cancel_flush(self, pod_id: int) -> None:
        handle = self._lobby_flush.pop(pod_id, None)
        if handle is not None:
            handle.cancel()

    async def _edit_lobby(self, pod_id: int) -> None:
        self._lobby_flush.pop(pod_id, None)
        state = self._lobby_state.get(pod_id)
        where = await self._lobby_message(pod_id)
        if state is None or where is None:
            return
        channel_id, message_id = where
        fields = {"embed": lobby_embed(state), "view": lobby_view(pod_id, state.pod.status)}
        try:
            await self.outbound.edit(channel_id, message_id, fields, group=pod_id)
        except discord.NotFound:
            log.warning("lobby message of pod %s is gone", pod_id)
            self._lobbies.pop(pod_id, None)
        except discord.HTTPException as exc:
            # Retried already (bot.outbound.Retry); the next change of the pod tries again.
            log.warning("lobby of pod %s not edited: %s", pod_id, exc)
        except QueueClosed:
            # The bot is stopping; a restart shows every running pod's lobby again.
            log.info("lobby of pod %s not edited: the bot is stopping", pod_id)
            return
        if state.pod.status not in ("open", "drafting"):
            self._lobby_state.pop(pod_id, None)

    async def _lobby_message(self, pod_id: int) -> tuple[int, int] | None:
        known = self._lobbies.get(pod_id)
        if known is None:
            record = await self.store.messages.current(pod_id, "lobby")
            if record is None:
                return None
            known = self._lobbies[pod_id] = (record.channel_id, record.message_id)
        return known

    # -- packs -------------------------------------------------------------------------------

    async def pack_fields(self, offer: PackOffer, *, note: str = "") -> dict[str, Any]:
        """What a message showing ``offer`` carries: the image, the embed and the menu."""
        image = await self.renderer.pack_async(
            offer.cards, PackHeader(f"Pod #{offer.pod_id}", offer.pack_no, offer.pick_in_pack)
        )
        name = _image_name(offer, image)
        self._pack_images[(offer.pod_id, offer.seat)] = (offer.pick_no, name)
        return {
            "embed": pack_embed(offer, name, note=note),
            "file": discord.File(io.BytesIO(image.data), filename=name),
            "view": pick_view(offer),
        }

    async def deliver_pack(self, offer: PackOffer, *, note: str = "") -> None:
        async with self._seat_lock(offer.pod_id, offer.seat):
            try:
                channel = await self.dm_channel(offer.user_id)
                fields = await self.pack_fields(offer, note=note)
                message = await self.outbound.send(
                    channel, fields, key=("pack", offer.pod_id, offer.seat), group=offer.pod_id
                )
            except discord.HTTPException as exc:
                # Closed DMs after joining, say: the timer still runs and auto-picks for them.
                log.warning(
                    "pack for pod %s seat %s not delivered: %s", offer.pod_id, offer.seat, exc
                )
                return
            await self._remember(offer.pod_id, offer.seat, offer.pick_no, channel, message.id)

    async def after_pick(self, result: PickResult) -> dict[str, Any]:
        """The edit that answers a pick: what was taken, then the next pack or a wait notice."""
        took = f"You took {card_line(result.card)}."
        if result.next_offer is not None:
            fields = await self.pack_fields(result.next_offer, note=took)
            file = fields.pop("file")
            return {**fields, "attachments": [file]}
        if result.finished:
            text = f"{took}\nThat was your last pick. Your pool comes when the table is done."
        else:
            text = f"{took}\nWaiting for the next pack… it comes here as a new message."
        return {"embed": self._taken(result, text), "view": None}

    async def show_pick_by_edit(self, result: PickResult) -> None:
        """A pick whose interaction could not be answered (typed, or too late): edit the DM."""
        record = await self.store.messages.current(result.pod_id, "pack", result.seat)
        if record is None:
            if result.next_offer is not None:
                await self.deliver_pack(result.next_offer)
            return
        fields = await self.after_pick(result)
        future = self.outbound.edit(
            record.channel_id, record.message_id, fields, group=result.pod_id, coalesce=False
        )
        if result.next_offer is not None:
            try:
                await future
            except discord.NotFound:
                # The pack message was deleted (by a moderator, or Discord): the next pack
                # must not go with it. It comes as a new message, which becomes the current one.
                log.warning(
                    "pack message %s of pod %s seat %s is gone; sending the pack again",
                    record.message_id,
                    result.pod_id,
                    result.seat,
                )
                took = f"You took {card_line(result.card)}."
                await self.deliver_pack(result.next_offer, note=took)
                return
            await self._remember(
                result.pod_id,
                result.seat,
                result.next_offer.pick_no,
                record.channel_id,
                record.message_id,
            )

    async def show_autopick(self, result: PickResult, reason: str) -> None:
        record = await self.store.messages.current(result.pod_id, "pack", result.seat)
        if record is None or record.pick_no != result.pick_no:
            return
        text = f"Time ran out: auto-picked {card_line(result.card)} ({reason})."
        self.outbound.edit(
            record.channel_id,
            record.message_id,
            {"embed": self._taken(result, text), "view": None},
            group=result.pod_id,
            coalesce=False,
        )

    async def show_warning(
        self, pod_id: int, seat: int, user_id: int, pick_no: int, seconds_left: float
    ) -> None:
        record = await self.store.messages.current(pod_id, "pack", seat)
        if record is None or record.pick_no != pick_no:
            return
        self.outbound.send(
            record.channel_id,
            {"content": f"⏳ About {round(seconds_left)} s left for pick {pick_no}."},
            key=("warning", pod_id, seat),
            group=pod_id,
        )

    async def refresh_pack(self, offer: PackOffer) -> None:
        record = await self.store.messages.current(offer.pod_id, "pack", offer.seat)
        if record is not None and record.pick_no == offer.pick_no:
            return
        if record is not None:
            self.outbound.edit(
                record.channel_id,
                record.message_id,
                {"view": None},
                group=offer.pod_id,
                coalesce=False,
            )
        await self.deliver_pack(offer, note="The bot restarted: here is your current pack.")

    async def drop_stale_menu(
        self, pod_id: int, seat: int, pick_no: int, channel_id: int, message_id: int
    ) -> None:
        """Remove the menu of a pack message whose pick ``pick_no`` is made, unless it is the
        seat's recorded pack message and that has moved on to another pick (its menu is then
        the newer one, put there by the pick itself)."""
        record = await self.store.messages.current(pod_id, "pack", seat)
        if record is not None and record.message_id == message_id and record.pick_no != pick_no:
            return
        self.outbound.edit(channel_id, message_id, {"view": None}, group=pod_id, coalesce=False)

    async def retire_pack(self, pod_id: int, seat: int) -> None:
        """At a restart, for a seat holding no pack: its recorded pack message loses its menu
        (a crash between a pick's commit and its answer leaves that menu working)."""
        record = await self.store.messages.current(pod_id, "pack", seat)
        if record is not None:
            self.outbound.edit(
                record.channel_id, record.message_id, {"view": None}, group=pod_id, coalesce=False
            )

    async def _remember(
        self, pod_id: int, seat: int, pick_no: int, channel_id: int, message_id: int
    ) -> None:
        await self.store.messages.put(
            MessageRecord(message_id, channel_id, pod_id, "pack", datetime.now(UTC), seat, pick_no)
        )

    def _seat_lock(self, pod_id: int, seat: int) -> asyncio.Lock:
        return self._seat_locks.setdefault((pod_id, seat), asyncio.Lock())

    def _taken(self, result: PickResult, text: str) -> discord.Embed:
        """The embed of a pack message after its pick, keeping the pack's image if it is the one
        this message was showing."""
        pack_no, pick_in_pack = pick_position(result.pick_no, result.pack_size)
        image = self._pack_images.get((result.pod_id, result.seat))
        name = image[1] if image is not None and image[0] == result.pick_no else None
        return taken_embed(result.pod_id, pack_no, pick_in_pack, text, name)

    # -- the end -----------------------------------------------------------------------------

    async def pod_over(self, state: LobbyState, pools: tuple[PoolView, ...]) -> None:
        """The lobby's result and every player's pool, sent before it returns (the service
        commits the end after this, so a crash on the way sends what is missing at restart)."""
        self.lobby_changed(state)
        await asyncio.gather(*(self._send_pool(state, pool) for pool in pools))
        for key in [k for k in self._seat_locks if k[0] == state.pod.id]:
            self._seat_locks.pop(key, None)
            self._pack_images.pop(key, None)

    async def _send_pool(self, state: LobbyState, pool: PoolView) -> None:
        """One player's pool image and deck file, once: a pool already sent is not sent again."""
        from bot.draft.exports import Deck, arena_text

        user = next(s.user_id for s in state.seats if s.seat_no == pool.seat)
        if user is None:
            return
        if await self.store.messages.current(pool.pod_id, "pool", pool.seat) is not None:
            return
        image = await self.renderer.pool_async(pool.cards, f"{pool.name} · pod #{pool.pod_id}")
        deck = arena_text(Deck.from_pool(pool.cards)).encode("utf-8")
        outcome = "is over" if state.pod.status == "finished" else f"was {state.pod.status}"
        try:
            channel = await self.dm_channel(user)
            message = await self.outbound.send(
                channel,
                {
                    "content": f"Pod #{pool.pod_id} {outcome}: your {len(pool.cards)} picks. "
                    "The deck file imports into Arena; /draft deck gives other formats and "
                    "/draft log your MTGO log.",
                    "files": [
                        discord.File(io.BytesIO(image.data), filename=f"pool{_ext(image)}"),
                        discord.File(io.BytesIO(deck), filename=f"{_stem(pool.name)}-deck.txt"),
                    ],
                },
                key=("pool", pool.pod_id, pool.seat),
                group=pool.pod_id,
            )
        except discord.HTTPException as exc:
            log.warning("pool of pod %s seat %s not sent: %s", pool.pod_id, pool.seat, exc)
            return
        await self.store.messages.put(
            MessageRecord(message.id, channel, pool.pod_id, "pool", datetime.now(UTC), pool.seat)
        )


def _image_name(offer: PackOffer, image: RenderedImage) -> str:
    return f"pack-{offer.pod_id}-s{offer.seat}-p{offer.pick_no}{_ext(image)}"


def _ext(image: RenderedImage) -> str:
    return PurePath(image.filename).suffix


def _stem(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)[:40] or "player"
