"""The draft service: between the cogs and the engine, the one place where a draft changes.

Every change of a pod happens under that pod's lock, in one order: check, let the engine decide,
commit to the store, then tell the scheduler and the players. The engine runs in memory; the
pick log in the store is the truth, so a pod whose commit failed is rebuilt from the log and the
player is told to try again. Nothing here imports Discord: the presenter port does the showing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.draft import (
    CardId,
    DraftFinished,
    Event,
    NotYourTurn,
    PackReady,
    PickMade,
    PickRecord,
    Pod,
    Seat,
    SeatFinished,
    SeatIdle,
    StalePick,
    pick_position,
    replay,
    spread_bots,
)
from bot.draft.catalog import Catalog
from bot.draft.exports import Deck, arena_text, mtgo_dek, plain_text
from bot.draft.mtgo_log import build_mtgo_log, format_mtgo_log
from bot.draft.set_errors import SetError
from bot.logfiles import mtgo_log_path, write_pod_logs
from bot.service.errors import (
    BadOption,
    NoPodHere,
    NotAllowed,
    NotInvited,
    NotSeated,
    NotYourPack,
    ServiceError,
    TimeRanOut,
    TooFewSeats,
    UnknownPod,
    WrongPhase,
)
from bot.service.link import SchedulerLink
from bot.service.values import (
    Actor,
    CreateOptions,
    LobbyState,
    PackOffer,
    PickResult,
    Player,
    PoolView,
    Presenter,
    SeatProgress,
)
from bot.storage import (
    MessageRecord,
    NewPod,
    PickConflict,
    PlayerBusy,
    PodRecord,
    PodSettings,
    QueueEntry,
    SeatRecord,
    SeatSpec,
    StorageError,
    Store,
)
from bot.storage import PickRecord as StoredPick
from bot.tasks import create_task
from draftpod.config import Config
from scheduler.client import SchedulerRejected, TimerPolicy

log = logging.getLogger(__name__)

MAX_PACKS = 5
MAX_PICK_SECONDS = 600

Clock = Callable[[], datetime]


@dataclass
class LivePod:
    """A running pod in memory: its record, its seats and, once drafting, the engine."""

    record: PodRecord
    seats: tuple[SeatRecord, ...]
    engine: Pod | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The outcome while the pod is being ended (its record still says running until then).
    ending: str | None = None

    @property
    def status(self) -> str:
        return self.ending or self.record.status

    @property
    def id(self) -> int:
        return self.record.id

    def seat_of(self, user_id: int) -> SeatRecord | None:
        return next((s for s in self.seats if s.user_id == user_id), None)

    @property
    def humans(self) -> tuple[SeatRecord, ...]:
        return tuple(s for s in self.seats if not s.is_bot)


class DraftService:
    """Pods from lobby to logs. Methods raise :class:`ServiceError` (or an engine or storage
    error) and change nothing when they refuse."""

    def __init__(
        self,
        config: Config,
        store: Store,
        catalog: Callable[[], Catalog],
        link: SchedulerLink,
        presenter: Presenter,
        *,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        self.store = store
        self._catalog = catalog
        self.link = link
        self.presenter = presenter
        self.clock = clock
        self.live: dict[int, LivePod] = {}
        # Pods that ended in this process, kept for /draft pool, deck and log until clean-up.
        self.ended: dict[int, LivePod] = {}
        # Clear while restore() brings the running pods back: a pick timer the scheduler
        # delivers meanwhile (the handler registers first, to send the pods' seat_waiting)
        # waits for its pod instead of finding none and being answered as done.
        self._restored = asyncio.Event()
        self._restored.set()

    # -- the lobby ---------------------------------------------------------------------------

    async def create(
        self,
        guild_id: int,
        channel_id: int,
        creator: Player,
        options: CreateOptions,
        *,
        origin: str = "command",
    ) -> LobbyState:
        card_set = self._set(options.set_code)
        settings = self._settings(options, card_set.pack_size)
        now = self.clock()
        record = await self.store.pods.create(
            NewPod(
                guild_id=guild_id,
                channel_id=channel_id,
                creator_id=creator.user_id,
                set_code=card_set.code,
                seed=secrets.randbelow(2**63),
                settings=settings,
                created_at=now,
                origin=origin,  # type: ignore[arg-type]
            ),
            creator=SeatSpec(creator.user_id, creator.name[:100]),
        )
        live = LivePod(record, await self.store.pods.seats(record.id))
        self.live[record.id] = live
        try:
            await self.presenter.welcome(record, creator.user_id)
        except ServiceError:
            await self.store.pods.end(record.id, "cancelled", self.clock())
            del self.live[record.id]
            raise
        self.link.pod_open(record.id, self.config.draft.lobby_ttl_seconds)
        return self.lobby_state(live)

    async def join(self, pod_id: int, player: Player) -> tuple[LobbyState, bool]:
        """Seat the player; ``(state, False)`` if they already held a seat in this pod."""
        live = self._running(pod_id)
        async with live.lock:
            self._require_phase(live, "open", "take new players")
            if live.seat_of(player.user_id) is not None:
                return self.lobby_state(live), False
            settings = live.record.settings
            if (
                not settings.open
                and player.user_id not in settings.invited
                and player.user_id != live.record.creator_id
            ):
                raise NotInvited(pod_id)
            if len(live.humans) + settings.bot_drafters >= settings.seats:
                raise ServiceError(f"Pod #{pod_id} is full.")
            await self.store.pods.add_seat(
                pod_id, SeatSpec(player.user_id, player.name[:100]), self.clock()
            )
            try:
                await self.presenter.welcome(live.record, player.user_id)
            except ServiceError:
                await self.store.pods.remove_seat(pod_id, player.user_id)
                raise
            finally:
                live.seats = await self.store.pods.seats(pod_id)
            state = self.lobby_state(live)
            full = len(live.humans) + settings.bot_drafters >= settings.seats
        self.presenter.lobby_changed(state)
        if full and live.record.origin == "queue":
            await self.start(pod_id, None)
        return state, True

    async def leave(self, pod_id: int, user_id: int) -> LobbyState:
        live = self._running(pod_id)
        async with live.lock:
            if live.seat_of(user_id) is None:
                raise NotSeated(pod_id)
            self._require_phase(
                live,
                "open",
                "lose players (a draft in progress keeps its "
                "seats; a pick you miss is made for you when its time runs out)",
            )
            await self.store.pods.remove_seat(pod_id, user_id)
            await self.store.queue.leave(user_id)
            live.seats = await self.store.pods.seats(pod_id)
            empty = not live.humans
        if empty:
            await self._end(live, "cancelled")
            return self.lobby_state(live)
        state = self.lobby_state(live)
        self.presenter.lobby_changed(state)
        return state

    async def kick(self, pod_id: int, actor: Actor, user_id: int) -> LobbyState:
        live = self._running(pod_id)
        self._require_power(live, actor, "kick players from")
        if user_id == live.record.creator_id:
            raise ServiceError("The creator cannot be kicked; cancel the pod instead.")
        return await self.leave(pod_id, user_id)

    async def cancel(self, pod_id: int, actor: Actor) -> LobbyState:
        live = self._running(pod_id)
        self._require_power(live, actor, "cancel")
        await self._end(live, "cancelled")
        return self.lobby_state(live)

    async def expire(self, pod_id: int) -> bool:
        """The lobby's time ran out (the scheduler's ``lobby_expired``); False if it had started."""
        live = self.live.get(pod_id)
        if live is None or live.status != "open":
            return False
        await self._end(live, "expired", tell_scheduler=False)
        return True

    async def start(self, pod_id: int, actor: Actor | None) -> LobbyState:
        """Seat the bot drafters, deal the packs, arm the timers. ``actor`` None: the queue."""
        live = self._running(pod_id)
        if actor is not None:
            self._require_power(live, actor, "start")
        async with live.lock:
            self._require_phase(live, "open", "start again")
            settings = live.record.settings
            humans = live.humans
            size = len(humans) + settings.bot_drafters
            if live.record.origin == "queue":
                size = settings.seats
            if size < settings.min_seats:
                raise TooFewSeats(pod_id, size, settings.min_seats)
            seating = spread_bots(_unique_seats(humans), size)
            card_set = self._set(live.record.set_code)
            engine = Pod(
                live.record.seed,
                card_set,
                seating,
                packs_per_seat=settings.packs,
                colour_commit_after=self.config.draft.autopick_colour_commit_after,
            )
            specs = _seat_specs(seating, humans)
            snapshot = await self.store.pods.start(pod_id, specs, self.clock())
            live.record, live.seats, live.engine = snapshot.pod, snapshot.seats, engine
            self.link.pod_start(pod_id, size, self._timer_policy(settings, engine.pack_size))
            events = engine.start()
            await self._commit(live, events)
            deliveries, finished = self._react(live, events)
            state = self.lobby_state(live)
        self.presenter.lobby_changed(state)
        self._deliver(deliveries)
        if finished:
            await self._finish(live)
        return state

    # -- matchmaking -------------------------------------------------------------------------

    async def enqueue(
        self, guild_id: int, channel_id: int, player: Player, set_code: str
    ) -> tuple[LobbyState, bool]:
        """Queue for a set: fill the fullest open queue pod of it, else open a new one.

        Returns the pod's state and whether a new pod was opened (its lobby message is then the
        answer to the command). A queue pod starts when full, or when its fill timer fires with
        at least the minimum of players; bot drafters take the empty seats.
        """
        card_set = self._set(set_code)
        now = self.clock()
        busy = await self.store.pods.running_pod_of(player.user_id)
        if busy is not None:
            raise PlayerBusy(player.user_id, busy)
        await self.store.queue.enter(
            QueueEntry(player.user_id, guild_id, channel_id, card_set.code, now)
        )
        for record, _taken in await self.store.queue.fillable(guild_id, card_set.code):
            if record.id not in self.live:
                continue
            try:
                state, _ = await self.join(record.id, player)
            except (ServiceError, StorageError):
                continue
            await self.store.queue.place(player.user_id, record.id)
            return state, False
        draft = self.config.draft
        options = CreateOptions(
            set_code=card_set.code,
            pick_seconds=draft.pick_seconds,
            timer_policy=draft.timer_policy,
            seats=draft.max_seats,
            bots=0,
            packs=draft.packs_per_player,
        )
        state = await self.create(guild_id, channel_id, player, options, origin="queue")
        pod_id = state.pod.id
        await self.store.queue.place(player.user_id, pod_id)
        when = now + timedelta(seconds=draft.queue_fill_seconds)
        create_task(
            self.link.handler.schedule(
                "queue_fill",
                {"pod": pod_id},
                trigger={"type": "date", "run_date": when},
                job_id=f"queue_fill-{pod_id}",
            ),
            name=f"queue fill timer {pod_id}",
        )
        return state, True

    async def fill_timer(self, pod_id: int) -> dict[str, Any]:
        """The queue pod's fill timer fired: start with bot drafters if enough players came."""
        live = self.live.get(pod_id)
        if live is None or live.status != "open":
            return {"started": False, "why": "not an open lobby"}
        players = len(live.humans)
        if players < live.record.settings.min_seats:
            return {"started": False, "why": f"{players} player(s) queued"}
        await self.start(pod_id, None)
        return {"started": True, "players": players}

    # -- picks -------------------------------------------------------------------------------

    async def pick(
        self,
        pod_id: int,
        seat: int,
        pick_no: int,
        number: int,
        user_id: int,
        *,
        answered_on: tuple[int, int] | None = None,
    ) -> PickResult:
        """The player takes card ``number`` (from 1, as on the image) of pick ``pick_no``.

        ``answered_on`` is the ``(channel, message)`` whose menu was used: the answer edits it to
        show the next pack when one waits, and the store learns so in the pick's own commit.
        """
        live = self._drafting(pod_id)
        record = live.seats[seat] if 0 <= seat < len(live.seats) else None
        if record is None or record.user_id != user_id:
            raise NotYourPack()
        assert live.engine is not None
        async with live.lock:
            self._require_phase(live, "drafting", "take picks")
            engine = live.engine
            try:
                events = engine.pick(seat, pick_no, number - 1)
            except StalePick:
                made = next(r for r in engine.picks if r.seat == seat and r.pick_no == pick_no)
                if made.by == "timeout":
                    raise TimeRanOut(pick_no, engine.pool(seat)[pick_no - 1].name) from None
                raise
            if not events:
                card = engine.pool(seat)[pick_no - 1]
                offer = self._offer_now(live, seat)
                return PickResult(
                    pod_id, seat, pick_no, engine.pack_size, card, offer, False, repeated=True
                )
            shown = None
            if answered_on is not None:
                ready = (e for e in events if isinstance(e, PackReady) and e.seat == seat)
                shown = MessageRecord(
                    answered_on[1], answered_on[0], pod_id, "pack", self.clock(), seat,
                    next((e.pick_no for e in ready), pick_no),
                )  # fmt: skip
            await self._commit(live, events, message=shown)
            deliveries, finished = self._react(live, events)
            card = engine.pool(seat)[pick_no - 1]
            mine = next((d for d in deliveries if d[0].seat == seat), None)
            if mine is not None:
                deliveries.remove(mine)
            state = self.lobby_state(live)
            seat_done = engine.current_pick(seat) > engine.total_picks
        self.presenter.lobby_changed(state)
        self._deliver(deliveries)
        offer = None
        if mine is not None:
            offer = _with_deadline(mine[0], await self.link.deadline(mine[1]))
        if finished:
            create_task(self._finish(live), name=f"finish pod {pod_id}")
        return PickResult(pod_id, seat, pick_no, engine.pack_size, card, offer, seat_done)

    async def timeout(self, pod_id: int, seat: int, pick_no: int) -> dict[str, Any]:
        """The scheduler's ``pick_timeout``: auto-pick, but only if that pick is still open."""
        await self._restored.wait()
        live = self.live.get(pod_id)
        if live is None or live.engine is None or live.status != "drafting":
            return {"skipped": "pod not drafting"}
        async with live.lock:
            engine = live.engine
            if not 0 <= seat < len(engine.seats) or engine.current_pick(seat) != pick_no:
                return {"skipped": "pick already made"}
            try:
                events = engine.autopick(seat, pick_no)
            except NotYourTurn:
                return {"skipped": "seat holds no pack"}
            except StalePick:
                return {"skipped": "pick already made"}
            await self._commit(live, events)
            made = next(e for e in events if isinstance(e, PickMade) and e.record.seat == seat)
            card = engine.card_set.cards[made.record.card_id]
            deliveries, finished = self._react(live, events)
            state = self.lobby_state(live)
        self.presenter.lobby_changed(state)
        # Shown before the seat's next pack goes out: the outbound queue keeps a pod's order.
        result = PickResult(pod_id, seat, pick_no, engine.pack_size, card, None, False)
        await self.presenter.show_autopick(result, made.reason)
        self._deliver(deliveries)
        if finished:
            create_task(self._finish(live), name=f"finish pod {pod_id}")
        return {"picked": card.id, "reason": made.reason}

    async def warn(self, pod_id: int, seat: int, pick_no: int, seconds_left: float) -> bool:
        live = self.live.get(pod_id)
        if live is None or live.engine is None or live.status != "drafting":
            return False
        if not 0 <= seat < len(live.seats) or live.engine.current_pick(seat) != pick_no:
            return False
        user_id = live.seats[seat].user_id
        if user_id is None:
            return False
        await self.presenter.show_warning(pod_id, seat, user_id, pick_no, seconds_left)
        return True

    # -- reading -----------------------------------------------------------------------------

    def current_offer(self, user_id: int) -> PackOffer | None:
        """The pack in front of the player in their running pod (typed picks use it)."""
        for live in self.live.values():
            seat = live.seat_of(user_id)
            if seat is not None and live.engine is not None:
                return self._offer_now(live, seat.seat_no)
        return None

    def pod_of(self, user_id: int) -> LivePod | None:
        """The player's running pod, else the last one they played in this process."""
        for pods in (self.live, self.ended):
            for live in sorted(pods.values(), key=lambda p: -p.id):
                if live.seat_of(user_id) is not None:
                    return live
        return None

    def newest_lobby(self, channel_id: int) -> LivePod:
        lobbies = [
            p
            for p in self.live.values()
            if p.record.channel_id == channel_id and p.status == "open"
        ]
        if not lobbies:
            raise NoPodHere(
                "There is no open lobby in this channel; create one with /draft create."
            )
        return max(lobbies, key=lambda p: p.id)

    def get(self, pod_id: int) -> LivePod:
        live = self.live.get(pod_id) or self.ended.get(pod_id)
        if live is None:
            raise UnknownPod(pod_id)
        return live

    def pool(self, user_id: int) -> PoolView:
        live = self.pod_of(user_id)
        if live is None or live.engine is None:
            raise NoPodHere("You have no draft with picks yet.")
        seat = live.seat_of(user_id)
        assert seat is not None
        return PoolView(
            live.id,
            seat.seat_no,
            seat.display_name,
            live.record.set_code,
            live.engine.pool(seat.seat_no),
            live.record.status == "drafting",
        )

    def deck(self, user_id: int, fmt: str) -> tuple[str, str]:
        """``(file name, text)`` of the player's pool as a decklist in ``fmt``."""
        pool = self.pool(user_id)
        deck = Deck.from_pool(pool.cards)
        formats = {
            "arena": (arena_text, "txt"),
            "mtgo": (mtgo_dek, "dek"),
            "text": (plain_text, "txt"),
        }
        if fmt not in formats:
            raise BadOption(f"Unknown deck format {fmt!r}: use arena, mtgo or text.")
        render, suffix = formats[fmt]
        return f"{_file_stem(pool.name)}-pod{pool.pod_id}-{fmt}.{suffix}", render(deck)

    def mtgo_log(self, user_id: int) -> tuple[str, str]:
        live = self.pod_of(user_id)
        if live is None or live.engine is None:
            raise NoPodHere("You have no draft with picks yet.")
        seat = live.seat_of(user_id)
        assert seat is not None
        started = live.record.started_at or live.record.created_at
        path = mtgo_log_path(
            live.engine,
            seat.seat_no,
            self.config.paths.logs_dir,
            event=str(live.id),
            started_at=started,
        )
        text = format_mtgo_log(
            build_mtgo_log(live.engine, seat.seat_no, event=str(live.id), started_at=started)
        )
        return path.name, text

    def lobby_state(self, live: LivePod) -> LobbyState:
        record = live.record
        if live.ending is not None:
            record = replace(record, status=live.ending)  # type: ignore[arg-type]
        card_set = self._catalog().sets.get(record.set_code)
        set_name = card_set.name if card_set is not None else record.set_code
        expires = None
        if record.status == "open" and self.config.draft.lobby_ttl_seconds > 0:
            expires = record.created_at + timedelta(seconds=self.config.draft.lobby_ttl_seconds)
        progress: tuple[SeatProgress, ...] = ()
        autopicks = 0
        firsts: tuple[tuple[str, str, str], ...] = ()
        engine = live.engine
        if engine is not None:
            progress = tuple(
                SeatProgress(
                    seat_no=number,
                    name=seat.name,
                    user_id=live.seats[number].user_id if number < len(live.seats) else None,
                    picks=engine.current_pick(number) - 1,
                    total=engine.total_picks,
                    queued=_held(engine, number),
                    finished=engine.current_pick(number) > engine.total_picks,
                )
                for number, seat in enumerate(engine.seats)
            )
            autopicks = sum(1 for r in engine.picks if r.by == "timeout")
            if engine.finished:
                firsts = tuple(
                    (
                        seat.name,
                        "/".join(engine.autopicker.colours(engine.pool(n))) or "-",
                        engine.pool(n)[0].name,
                    )
                    for n, seat in enumerate(engine.seats)
                )
        return LobbyState(record, set_name, live.seats, progress, expires, autopicks, firsts)

    # -- restart -----------------------------------------------------------------------------

    async def restore(self) -> int:
        """Bring back every running pod from the store: replay, re-arm, show current packs."""
        restored = 0
        self._restored.clear()
        try:
            for record in await self.store.pods.running():
                try:
                    await self._restore(record)
                    restored += 1
                except Exception:
                    log.exception("pod %s could not be restored", record.id)
        finally:
            self._restored.set()
        return restored

    async def _restore(self, record: PodRecord) -> None:
        snapshot = await self.store.pods.snapshot(record.id)
        live = LivePod(snapshot.pod, snapshot.seats)
        self.live[record.id] = live
        if record.status == "open":
            # The scheduler keeps the lobby's expiry; opening it again would push it back.
            return
        card_set = self._set(record.set_code)
        seats = tuple(Seat(s.display_name, "bot" if s.is_bot else "player") for s in snapshot.seats)
        stored = [_engine_pick(p) for p in snapshot.picks]
        engine = replay(
            record.seed,
            card_set,
            seats,
            stored,
            packs_per_seat=record.settings.packs,
            colour_commit_after=self.config.draft.autopick_colour_commit_after,
        )
        live.engine = engine
        async with live.lock:
            # Bot picks that were due but never stored: the replay made them; store them now.
            missing = list(engine.picks[len(stored) :])
            await self._commit(live, [PickMade(r) for r in missing])
            self.link.pod_start(
                record.id, len(seats), self._timer_policy(record.settings, engine.pack_size)
            )
            offers: list[tuple[PackOffer, asyncio.Future[Any]]] = []
            idle: list[int] = []
            for number, seat in enumerate(seats):
                if seat.is_bot:
                    continue
                view = engine.view(number)
                if view.pack:
                    future = self.link.seat_waiting(record.id, number, view.pick_no, len(view.pack))
                    offers.append((self._offer(live, number), future))
                else:
                    self.link.seat_idle(record.id, number)
                    idle.append(number)
        finished = engine.finished
        self.presenter.lobby_changed(self.lobby_state(live))
        for number in idle:
            await self.presenter.retire_pack(record.id, number)
        for offer, future in offers:
            refreshed = _with_deadline(offer, await self.link.deadline(future))
            create_task(self.presenter.refresh_pack(refreshed), name=f"refresh {record.id}")
        if finished:
            await self._finish(live)

    async def forget(self, pod_id: int) -> bool:
        """The scheduler's ``pod_cleanup``: drop an ended pod from memory."""
        return self.ended.pop(pod_id, None) is not None

    # -- internals ---------------------------------------------------------------------------

    def _set(self, code: str) -> Any:
        try:
            return self._catalog().get(code)
        except SetError as exc:
            raise BadOption(str(exc)) from exc

    def _settings(self, options: CreateOptions, pack_size: int) -> PodSettings:
        draft = self.config.draft
        if not draft.min_seats <= options.seats <= draft.max_seats:
            raise BadOption(
                f"Seats must be between {draft.min_seats} and {draft.max_seats}, "
                f"not {options.seats}."
            )
        if not 0 <= options.bots < options.seats:
            raise BadOption(
                f"Bot drafters must be between 0 and {options.seats - 1} for {options.seats} "
                f"seats, not {options.bots}."
            )
        if not 1 <= options.packs <= MAX_PACKS:
            raise BadOption(f"Packs must be between 1 and {MAX_PACKS}, not {options.packs}.")
        if not 0 <= options.pick_seconds <= MAX_PICK_SECONDS:
            raise BadOption(
                f"Pick time must be between 0 and {MAX_PICK_SECONDS} seconds, "
                f"not {options.pick_seconds}."
            )
        policy = options.timer_policy
        if options.pick_seconds == 0 and policy in ("fixed", "scaled"):
            policy = "none"
        return PodSettings(
            packs=options.packs,
            pack_size=pack_size,
            seats=options.seats,
            min_seats=min(draft.min_seats, options.seats),
            timer_policy=policy,
            pick_seconds=options.pick_seconds,
            bot_drafters=options.bots,
            open=options.open or not options.invited,
            invited=options.invited,
        )

    def _timer_policy(self, settings: PodSettings, pack_size: int) -> TimerPolicy:
        return TimerPolicy(
            settings.timer_policy,
            float(settings.pick_seconds) if settings.timer_policy != "none" else 0.0,
            warning_seconds=float(self.config.draft.warning_seconds),
            pack_size=pack_size,
        )

    def _running(self, pod_id: int) -> LivePod:
        live = self.live.get(pod_id)
        if live is None:
            ended = self.ended.get(pod_id)
            if ended is not None:
                raise WrongPhase(pod_id, ended.record.status, "do that any more")
            raise UnknownPod(pod_id)
        return live

    def _drafting(self, pod_id: int) -> LivePod:
        live = self._running(pod_id)
        if live.engine is None:
            raise WrongPhase(pod_id, live.record.status, "take picks")
        return live

    @staticmethod
    def _require_phase(live: LivePod, status: str, action: str) -> None:
        if live.status != status:
            raise WrongPhase(live.id, live.status, action)

    @staticmethod
    def _require_power(live: LivePod, actor: Actor, action: str) -> None:
        if actor.user_id != live.record.creator_id and not actor.manages_guild:
            raise NotAllowed(action, live.id)

    async def _commit(
        self, live: LivePod, events: Iterable[Event], *, message: MessageRecord | None = None
    ) -> None:
        """Store every pick the events made, in order and in one commit; on failure rebuild the pod
        from the log."""
        engine = live.engine
        assert engine is not None
        made = [self._stored(live, engine, e) for e in events if isinstance(e, PickMade)]
        try:
            if made:
                await self.store.picks.record_all(made, message=message)
        except (StorageError, PickConflict):
            log.exception("pod %s: a pick could not be stored; rebuilding from the log", live.id)
            await self._rebuild(live)
            raise

    def _stored(self, live: LivePod, engine: Pod, event: PickMade) -> StoredPick:
        record = event.record
        pack_no, pick_in_pack = pick_position(record.pick_no, engine.pack_size)
        card = engine.card_set.cards[record.card_id]
        return StoredPick(
            pod_id=live.id,
            seat_no=record.seat,
            pick_no=record.pick_no,
            pack_no=pack_no,
            pick_in_pack=pick_in_pack,
            card_index=record.index,
            card_id=record.card_id,
            card_name=card.name,
            source=record.by,
            picked_at=self.clock(),
            reason=event.reason or None,
        )

    async def _rebuild(self, live: LivePod) -> None:
        snapshot = await self.store.pods.snapshot(live.id)
        assert live.engine is not None
        old = live.engine
        live.engine = replay(
            old.seed,
            old.card_set,
            old.seats,
            [_engine_pick(p) for p in snapshot.picks],
            packs_per_seat=old.packs_per_seat,
            colour_commit_after=self.config.draft.autopick_colour_commit_after,
        )

    def _react(
        self, live: LivePod, events: list[Event]
    ) -> tuple[list[tuple[PackOffer, asyncio.Future[Any]]], bool]:
        """Tell the scheduler what the events mean; the packs to deliver; whether it is over."""
        deliveries: list[tuple[PackOffer, asyncio.Future[Any]]] = []
        finished = False
        for event in events:
            if isinstance(event, PackReady):
                future = self.link.seat_waiting(
                    live.id, event.seat, event.pick_no, event.cards_left
                )
                deliveries.append((self._offer(live, event.seat), future))
            elif isinstance(event, SeatIdle | SeatFinished):
                self.link.seat_idle(live.id, event.seat)
            elif isinstance(event, DraftFinished):
                finished = True
        return deliveries, finished

    def _deliver(self, deliveries: list[tuple[PackOffer, asyncio.Future[Any]]]) -> None:
        for offer, future in deliveries:
            create_task(
                self._deliver_one(offer, future),
                name=f"deliver pod {offer.pod_id} seat {offer.seat}",
            )

    async def _deliver_one(self, offer: PackOffer, future: asyncio.Future[Any]) -> None:
        await self.presenter.deliver_pack(_with_deadline(offer, await self.link.deadline(future)))

    def _offer(self, live: LivePod, seat: int) -> PackOffer:
        offer = self._offer_now(live, seat)
        if offer is None:
            raise AssertionError(f"pod {live.id} seat {seat} holds no pack")
        return offer

    def _offer_now(self, live: LivePod, seat: int) -> PackOffer | None:
        engine = live.engine
        assert engine is not None
        view = engine.view(seat)
        user_id = live.seats[seat].user_id
        if not view.pack or user_id is None:
            return None
        card_set = engine.card_set
        return PackOffer(
            pod_id=live.id,
            seat=seat,
            user_id=user_id,
            pick_no=view.pick_no,
            pack_no=view.pack_no,
            pick_in_pack=view.pick_in_pack,
            cards=view.pack,
            queued=view.queued,
            total_picks=engine.total_picks,
            set_name=card_set.name,
        )

    async def _finish(self, live: LivePod) -> None:
        await self._end(live, "finished")

    async def _end(self, live: LivePod, outcome: str, *, tell_scheduler: bool = True) -> None:
        """End the pod: logs, pools and the lobby's result first, then the scheduler, then the
        store. A process killed on the way finds the pod still running at its restart and ends
        it again; every step is idempotent (logs are rewritten, a pool already sent is not sent
        again, the scheduler answers a repeated ``pod_end`` as done), so nothing is lost or sent
        twice. Committing first would leave a finished pod whose players never got their pools
        and whose timers the scheduler never cancelled."""
        async with live.lock:
            if live.record.status not in ("open", "drafting") or live.ending:
                return
            live.ending = outcome
        try:
            pools: tuple[PoolView, ...] = ()
            engine = live.engine
            if engine is not None and live.record.status == "drafting":
                started = live.record.started_at or live.record.created_at
                await asyncio.to_thread(
                    write_pod_logs,
                    engine,
                    self.config.paths.logs_dir,
                    event=str(live.id),
                    started_at=started,
                )
                pools = tuple(
                    PoolView(
                        live.id,
                        s.seat_no,
                        s.display_name,
                        live.record.set_code,
                        engine.pool(s.seat_no),
                        False,
                    )
                    for s in live.seats
                    if not s.is_bot and s.user_id is not None
                )
            await self.presenter.pod_over(self.lobby_state(live), pools)
            if tell_scheduler:
                # Refused: the scheduler had ended it already (a second attempt after a crash).
                with contextlib.suppress(SchedulerRejected):
                    await self.link.pod_end(live.id, outcome)
        except BaseException:
            live.ending = None  # not ended: a later attempt (or the restart) does it all again
            raise
        async with live.lock:
            live.record = await self.store.pods.end(live.id, outcome, self.clock())  # type: ignore[arg-type]
            live.seats = await self.store.pods.seats(live.id)
            live.ending = None
            self.live.pop(live.id, None)
            self.ended[live.id] = live


def _with_deadline(offer: PackOffer, deadline: datetime | None) -> PackOffer:
    return replace(offer, deadline=deadline)


def _engine_pick(stored: StoredPick) -> PickRecord:
    return PickRecord(
        stored.seat_no, stored.pick_no, stored.card_index, CardId(stored.card_id), stored.source
    )


def _held(engine: Pod, seat: int) -> int:
    view = engine.view(seat)
    return view.queued + (1 if view.pack else 0)


def _unique_seats(humans: Iterable[SeatRecord]) -> list[Seat]:
    """Engine seats for the players, names made distinct (logs and file names come from them)."""
    seats: list[Seat] = []
    taken: set[str] = set()
    for human in humans:
        name, number = human.display_name, 2
        while name in taken or name.startswith("Bot "):
            name = f"{human.display_name} ({number})"
            number += 1
        taken.add(name)
        seats.append(Seat(name))
    return seats


def _seat_specs(seating: tuple[Seat, ...], humans: tuple[SeatRecord, ...]) -> list[SeatSpec]:
    players = iter(humans)
    return [
        SeatSpec(None, seat.name) if seat.is_bot else SeatSpec(next(players).user_id, seat.name)
        for seat in seating
    ]


def _file_stem(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)[:40] or "player"


__all__ = ["DraftService", "LivePod"]
