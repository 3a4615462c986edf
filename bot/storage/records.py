"""The values storage takes and gives: frozen, validated on construction, free of SQLAlchemy.

A record that breaks a rule of the schema raises :class:`InvalidRecord` when it is built, so bad
input is refused before any database work and never half-written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, get_args

from bot.storage.errors import InvalidRecord

PodStatus = Literal["open", "drafting", "finished", "cancelled", "expired"]
POD_STATUSES: tuple[PodStatus, ...] = get_args(PodStatus)
RUNNING: tuple[PodStatus, ...] = ("open", "drafting")
ENDED: tuple[PodStatus, ...] = ("finished", "cancelled", "expired")

PodOrigin = Literal["command", "queue"]
POD_ORIGINS: tuple[PodOrigin, ...] = get_args(PodOrigin)

TimerPolicy = Literal["fixed", "scaled", "mtr", "none"]
TIMER_POLICIES: tuple[TimerPolicy, ...] = get_args(TimerPolicy)

PickSource = Literal["player", "timeout", "bot"]
PICK_SOURCES: tuple[PickSource, ...] = get_args(PickSource)

MessageKind = Literal["lobby", "pack", "result", "pool"]
MESSAGE_KINDS: tuple[MessageKind, ...] = get_args(MessageKind)

SETTINGS_VERSION = 1


def require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise InvalidRecord(f"{name} must be a timezone-aware datetime, not {value!r}")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidRecord(message)


@dataclass(frozen=True, slots=True)
class PodSettings:
    """What the creator chose, stored as versioned JSON so new settings need no new columns."""

    packs: int = 3
    pack_size: int = 15
    seats: int = 8
    min_seats: int = 2
    timer_policy: TimerPolicy = "scaled"
    pick_seconds: int = 75
    bot_drafters: int = 0
    open: bool = True
    invited: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        _require(self.packs >= 1, f"packs must be at least 1, not {self.packs}")
        _require(self.pack_size >= 1, f"pack size must be at least 1, not {self.pack_size}")
        _require(
            1 <= self.min_seats <= self.seats,
            f"seats must satisfy 1 <= min_seats ({self.min_seats}) <= seats ({self.seats})",
        )
        _require(self.timer_policy in TIMER_POLICIES, f"unknown timer policy {self.timer_policy!r}")
        _require(self.pick_seconds >= 0, f"pick seconds must be >= 0, not {self.pick_seconds}")
        _require(
            0 <= self.bot_drafters < self.seats,
            f"bot drafters must be between 0 and {self.seats - 1}, not {self.bot_drafters}",
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "v": SETTINGS_VERSION,
            "packs": self.packs,
            "pack_size": self.pack_size,
            "seats": self.seats,
            "min_seats": self.min_seats,
            "timer_policy": self.timer_policy,
            "pick_seconds": self.pick_seconds,
            "bot_drafters": self.bot_drafters,
            "open": self.open,
            "invited": list(self.invited),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PodSettings:
        """Refuses unknown versions rather than guessing at a shape it was never taught."""
        if data.get("v") != SETTINGS_VERSION:
            raise InvalidRecord(f"pod settings version {data.get('v')!r} is not supported")
        body = {k: v for k, v in data.items() if k != "v"}
        body["invited"] = tuple(body.get("invited", ()))
        try:
            return cls(**body)
        except TypeError as exc:
            raise InvalidRecord(f"pod settings do not fit: {exc}") from exc


@dataclass(frozen=True, slots=True)
class NewPod:
    guild_id: int
    channel_id: int
    creator_id: int
    set_code: str
    seed: int
    settings: PodSettings
    created_at: datetime
    origin: PodOrigin = "command"

    def __post_init__(self) -> None:
        require_aware("created_at", self.created_at)
        _require(bool(self.set_code) and len(self.set_code) <= 64, "set code must be 1-64 chars")
        _require(0 <= self.seed < 2**63, "seed must fit in 63 bits")
        _require(self.origin in POD_ORIGINS, f"unknown pod origin {self.origin!r}")


@dataclass(frozen=True, slots=True)
class PodRecord:
    id: int
    guild_id: int
    channel_id: int
    creator_id: int
    set_code: str
    seed: int
    status: PodStatus
    origin: PodOrigin
    settings: PodSettings
    created_at: datetime
    started_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.status in RUNNING


@dataclass(frozen=True, slots=True)
class SeatSpec:
    """A seat to be taken: a player (``user_id``) or a bot drafter (``user_id`` None)."""

    user_id: int | None
    display_name: str

    def __post_init__(self) -> None:
        _require(0 < len(self.display_name) <= 100, "display name must be 1-100 characters")

    @property
    def is_bot(self) -> bool:
        return self.user_id is None


@dataclass(frozen=True, slots=True)
class SeatRecord:
    pod_id: int
    seat_no: int
    user_id: int | None
    display_name: str
    is_bot: bool
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class PickRecord:
    """One line of the append-only pick log, unique on ``(pod_id, seat_no, pick_no)``.

    Numbering follows the engine: seats from 0; ``pick_no`` (the seat's pick over the whole
    draft), ``pack_no`` and ``pick_in_pack`` from 1; ``card_index`` is the card's position (from
    0) in the pack as the seat saw it.
    """

    pod_id: int
    seat_no: int
    pick_no: int
    pack_no: int
    pick_in_pack: int
    card_index: int
    card_id: str
    card_name: str
    source: PickSource
    picked_at: datetime
    reason: str | None = None

    def __post_init__(self) -> None:
        require_aware("picked_at", self.picked_at)
        _require(self.seat_no >= 0, f"seat must be >= 0, not {self.seat_no}")
        for name in ("pick_no", "pack_no", "pick_in_pack"):
            _require(getattr(self, name) >= 1, f"{name} must be >= 1, not {getattr(self, name)}")
        _require(self.card_index >= 0, f"card index must be >= 0, not {self.card_index}")
        _require(self.source in PICK_SOURCES, f"unknown pick source {self.source!r}")
        _require(bool(self.card_id), "card id must not be empty")

    def same_pick(self, other: PickRecord) -> bool:
        """The idempotency test: the same key and the same card, whoever and whenever."""
        return (self.pod_id, self.seat_no, self.pick_no, self.card_index, self.card_id) == (
            other.pod_id,
            other.seat_no,
            other.pick_no,
            other.card_index,
            other.card_id,
        )


@dataclass(frozen=True, slots=True)
class RecordedPick:
    """``pick`` is what the log holds; ``created`` is False when it was already there."""

    pick: PickRecord
    created: bool


@dataclass(frozen=True, slots=True)
class PodSnapshot:
    """Everything a replay needs: the pod, its seats in seat order, its picks in log order."""

    pod: PodRecord
    seats: tuple[SeatRecord, ...]
    picks: tuple[PickRecord, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class MessageRecord:
    message_id: int
    channel_id: int
    pod_id: int
    kind: MessageKind
    updated_at: datetime
    seat_no: int | None = None
    pick_no: int | None = None

    def __post_init__(self) -> None:
        require_aware("updated_at", self.updated_at)
        _require(self.kind in MESSAGE_KINDS, f"unknown message kind {self.kind!r}")


@dataclass(frozen=True, slots=True)
class QueueEntry:
    user_id: int
    guild_id: int
    channel_id: int
    set_code: str
    queued_at: datetime
    pod_id: int | None = None

    def __post_init__(self) -> None:
        require_aware("queued_at", self.queued_at)
