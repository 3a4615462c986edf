"""The one definition of every message between the scheduler and its handlers.

A message is a frozen dataclass. On the wire it is one ZMQ frame holding a JSON object with the
protocol version ``v``, the message ``type`` and the fields: explicit, versioned, never pickled.
:func:`decode` validates everything it receives (size, JSON, version, type, direction, every field)
and raises :class:`ProtocolError`, which carries an error code the receiver answers with.

Handlers send ``register``, ``heartbeat``, ``result``, ``schedule``, ``unschedule`` and the pod
lifecycle messages (``pod_open``, ``pod_start``, ``seat_waiting``, ``seat_idle``, ``pod_end``); the
scheduler answers with ``registered``, ``ack`` or ``error``, heartbeats back, and sends ``run``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Final, Literal

from scheduler.errors import SchedulerError
from scheduler.timers import TIMER_KINDS, TimerPolicy

PROTOCOL_VERSION: Final = 1
DEFAULT_MAX_FRAME_BYTES: Final = 1_048_576
MAX_ID_CHARS: Final = 200

ErrorCode = Literal[
    "too_large",
    "not_json",
    "bad_envelope",
    "unsupported_version",
    "unknown_type",
    "wrong_direction",
    "invalid_field",
    "not_registered",
    "unauthorized",
    "rejected",
    "internal",
]
PodOutcome = Literal["finished", "cancelled", "expired"]
POD_OUTCOMES: Final = typing.get_args(PodOutcome)


class ProtocolError(SchedulerError):
    """A frame that is not a valid message; ``code`` and ``reason`` go back in an ``error``."""

    def __init__(self, code: ErrorCode, reason: str, *, ref: str = "") -> None:
        super().__init__(f"{code}: {reason}")
        self.code: ErrorCode = code
        self.reason = reason
        self.ref = ref


@dataclass(frozen=True, slots=True)
class Message:
    """Base of every message; ``type`` names it on the wire."""

    type: ClassVar[str] = ""


# --- handler -> scheduler ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Register(Message):
    """A handler says hello: its fixed id (also its ZMQ identity), job methods and shards.

    The scheduler answers ``registered`` and replays every run not yet acknowledged by it.
    """

    type: ClassVar[str] = "register"
    handler_id: str
    methods: tuple[str, ...]
    shards: tuple[int, ...] = ()
    token: str = ""


@dataclass(frozen=True, slots=True)
class Heartbeat(Message):
    """Sent both ways every heartbeat interval; a peer silent for three is presumed gone."""

    type: ClassVar[str] = "heartbeat"


@dataclass(frozen=True, slots=True)
class Result(Message):
    """The outcome of a run; the scheduler keeps the run in its outbox until this arrives."""

    type: ClassVar[str] = "result"
    run_id: str
    ok: bool
    value: Any = None
    error: str = ""


@dataclass(frozen=True, slots=True)
class Schedule(Message):
    """A handler schedules a job (``trigger`` as in the HTTP API); acked with the job id."""

    type: ClassVar[str] = "schedule"
    msg_id: str
    method: str
    params: dict[str, Any]
    trigger: dict[str, Any]
    handler_id: str = ""
    job_id: str = ""


@dataclass(frozen=True, slots=True)
class Unschedule(Message):
    """A handler removes a job it scheduled; acked whether or not the job still existed."""

    type: ClassVar[str] = "unschedule"
    msg_id: str
    job_id: str


@dataclass(frozen=True, slots=True)
class PodOpen(Message):
    """A lobby opened; ``lobby_expired`` fires after ``lobby_ttl`` seconds unless it starts."""

    type: ClassVar[str] = "pod_open"
    msg_id: str
    pod: str
    lobby_ttl: float


@dataclass(frozen=True, slots=True)
class PodStart(Message):
    """The draft started with ``seats`` seats and this pick timer policy."""

    type: ClassVar[str] = "pod_start"
    msg_id: str
    pod: str
    seats: int
    timer_policy: TimerPolicy


@dataclass(frozen=True, slots=True)
class SeatWaiting(Message):
    """A seat has a pack: arm its pick timer. The same ``(pod, seat, pick_no)`` again is a no-op."""

    type: ClassVar[str] = "seat_waiting"
    msg_id: str
    pod: str
    seat: int
    pick_no: int
    cards_left: int


@dataclass(frozen=True, slots=True)
class SeatIdle(Message):
    """A seat has no pack in front of it: cancel its pick timers."""

    type: ClassVar[str] = "seat_idle"
    msg_id: str
    pod: str
    seat: int


@dataclass(frozen=True, slots=True)
class PodEnd(Message):
    """The pod is over: cancel its timers and schedule its clean-up."""

    type: ClassVar[str] = "pod_end"
    msg_id: str
    pod: str
    outcome: PodOutcome


# --- scheduler -> handler ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Registered(Message):
    """The answer to ``register``: the handler is routable, with the scheduler's heartbeat."""

    type: ClassVar[str] = "registered"
    handler_id: str
    heartbeat_seconds: float


@dataclass(frozen=True, slots=True)
class Run(Message):
    """Run a job. ``run_id`` is the same on every resend of one run, so handlers de-duplicate."""

    type: ClassVar[str] = "run"
    run_id: str
    job_id: str
    method: str
    params: dict[str, Any]
    due: str
    attempt: int = 1


@dataclass(frozen=True, slots=True)
class Ack(Message):
    """The request ``msg_id`` is committed; ``job_id`` and ``deadline`` (ISO 8601) if they apply."""

    type: ClassVar[str] = "ack"
    msg_id: str
    job_id: str = ""
    deadline: str = ""


@dataclass(frozen=True, slots=True)
class Error(Message):
    """A frame or request was refused; ``ref`` is the request's ``msg_id`` when one was readable."""

    type: ClassVar[str] = "error"
    code: str
    reason: str
    ref: str = ""


TO_SCHEDULER: Final[Mapping[str, type[Message]]] = {
    cls.type: cls
    for cls in (
        Register,
        Heartbeat,
        Result,
        Schedule,
        Unschedule,
        PodOpen,
        PodStart,
        SeatWaiting,
        SeatIdle,
        PodEnd,
    )
}
TO_HANDLER: Final[Mapping[str, type[Message]]] = {
    cls.type: cls for cls in (Registered, Heartbeat, Run, Ack, Error)
}
ALL_MESSAGES: Final[Mapping[str, type[Message]]] = {**TO_SCHEDULER, **TO_HANDLER}
LIFECYCLE = (PodOpen, PodStart, SeatWaiting, SeatIdle, PodEnd)
Request = Schedule | Unschedule | PodOpen | PodStart | SeatWaiting | SeatIdle | PodEnd

_NON_NEGATIVE: Final = frozenset({"seat", "seats", "pick_no", "attempt", "lobby_ttl"})
_POSITIVE: Final = frozenset({"cards_left", "heartbeat_seconds"})
_IDS: Final = frozenset({"handler_id", "msg_id", "pod", "run_id", "method", "job_id"})
_REQUIRED_IDS: Final = frozenset({"msg_id", "pod", "run_id", "method"})


def encode(message: Message) -> bytes:
    """The wire frame of a message: UTF-8 JSON with the version and type first."""
    body: dict[str, Any] = {"v": PROTOCOL_VERSION, "type": message.type}
    for f in dataclasses.fields(message):
        body[f.name] = _to_json(getattr(message, f.name))
    try:
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    except (TypeError, ValueError) as exc:
        raise ProtocolError("invalid_field", f"{message.type}: not JSON: {exc}") from exc


def decode(
    frame: bytes,
    *,
    accept: Mapping[str, type[Message]] = ALL_MESSAGES,
    max_bytes: int = DEFAULT_MAX_FRAME_BYTES,
) -> Message:
    """The message in ``frame``, validated; ``accept`` is the receiver's side of the protocol."""
    if len(frame) > max_bytes:
        raise ProtocolError("too_large", f"frame of {len(frame)} bytes exceeds {max_bytes}")
    try:
        body = json.loads(frame)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError("not_json", f"frame is not UTF-8 JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ProtocolError("bad_envelope", "frame must be a JSON object")
    msg_id = body.get("msg_id")
    ref = msg_id if isinstance(msg_id, str) else ""
    version = body.pop("v", None)
    if version != PROTOCOL_VERSION:
        raise ProtocolError(
            "unsupported_version",
            f"protocol version {version!r} is not {PROTOCOL_VERSION}",
            ref=ref,
        )
    kind = body.pop("type", None)
    if not isinstance(kind, str):
        raise ProtocolError("bad_envelope", "frame has no message type", ref=ref)
    cls = accept.get(kind)
    if cls is None:
        code: ErrorCode = "wrong_direction" if kind in ALL_MESSAGES else "unknown_type"
        raise ProtocolError(code, f"message type {kind[:60]!r} is not accepted here", ref=ref)
    return _build(cls, body, ref)


def _to_json(value: Any) -> Any:
    if isinstance(value, TimerPolicy):
        return dataclasses.asdict(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _build(cls: type[Message], body: dict[str, Any], ref: str) -> Message:
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise ProtocolError("invalid_field", f"{cls.type}: unknown field {unknown[0]!r}", ref=ref)
    values: dict[str, Any] = {}
    for name, f in fields.items():
        if name not in body:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ProtocolError("invalid_field", f"{cls.type}: missing field {name!r}", ref=ref)
            continue
        try:
            values[name] = _check(name, hints[name], body[name])
        except ValueError as exc:
            raise ProtocolError("invalid_field", f"{cls.type}.{name}: {exc}", ref=ref) from None
    return cls(**values)


def _check(name: str, hint: Any, value: Any) -> Any:
    """One field's value, checked against its type and the protocol's rules for that name."""
    if hint is str:
        if not isinstance(value, str):
            raise ValueError("must be text")
        if name in _IDS and len(value) > MAX_ID_CHARS:
            raise ValueError(f"longer than {MAX_ID_CHARS} characters")
        if name in _REQUIRED_IDS and not value:
            raise ValueError("must not be empty")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
        return _bounded(name, value)
    if hint is float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError("must be a finite number")
        return _bounded(name, float(value))
    if hint is TimerPolicy:
        return _policy(value)
    origin = typing.get_origin(hint)
    if origin is dict:
        if not isinstance(value, dict):
            raise ValueError("must be a JSON object")
        return value
    if origin is tuple:
        (item, _) = typing.get_args(hint)
        if not isinstance(value, list):
            raise ValueError("must be a list")
        return tuple(_check(f"{name}[]", item, v) for v in value)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}")
        return value
    return value  # Any: already JSON


def _bounded(name: str, value: float) -> Any:
    if name in _NON_NEGATIVE and value < 0:
        raise ValueError("must not be negative")
    if name in _POSITIVE and value <= 0:
        raise ValueError("must be greater than zero")
    return value


def _policy(value: Any) -> TimerPolicy:
    if not isinstance(value, dict):
        raise ValueError("must be a JSON object")
    known = {"kind", "seconds", "warning_seconds", "pack_size"}
    if set(value) - known:
        raise ValueError(f"unknown key {sorted(set(value) - known)[0]!r}")
    kind = value.get("kind")
    if kind not in TIMER_KINDS:
        raise ValueError(f"kind must be one of {', '.join(TIMER_KINDS)}")
    numbers = {k: value[k] for k in ("seconds", "warning_seconds") if k in value}
    for key, number in numbers.items():
        if (
            isinstance(number, bool)
            or not isinstance(number, int | float)
            or not math.isfinite(number)
        ):
            raise ValueError(f"{key} must be a finite number")
    pack_size = value.get("pack_size", 15)
    if isinstance(pack_size, bool) or not isinstance(pack_size, int):
        raise ValueError("pack_size must be a whole number")
    return TimerPolicy(kind=kind, pack_size=pack_size, **{k: float(v) for k, v in numbers.items()})


_HINTS: dict[type[Message], dict[str, Any]] = {}


def _hints(cls: type[Message]) -> dict[str, Any]:
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    return hints


def error_for(exc: ProtocolError) -> Error:
    """The ``error`` message answering a refused frame."""
    return Error(code=exc.code, reason=exc.reason, ref=exc.ref)


__all__ = [
    "ALL_MESSAGES",
    "DEFAULT_MAX_FRAME_BYTES",
    "LIFECYCLE",
    "POD_OUTCOMES",
    "PROTOCOL_VERSION",
    "TO_HANDLER",
    "TO_SCHEDULER",
    "Ack",
    "Error",
    "Heartbeat",
    "Message",
    "PodEnd",
    "PodOpen",
    "PodOutcome",
    "PodStart",
    "ProtocolError",
    "Register",
    "Registered",
    "Request",
    "Result",
    "Run",
    "Schedule",
    "SeatIdle",
    "SeatWaiting",
    "TimerPolicy",
    "Unschedule",
    "decode",
    "encode",
    "error_for",
]
