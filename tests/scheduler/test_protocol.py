"""The wire protocol: every message round-trips; every bad frame is refused with a typed error."""

from __future__ import annotations

import json

import pytest

from scheduler import protocol as p
from scheduler.timers import TimerPolicy

MESSAGES: list[tuple[str, p.Message]] = [
    ("register", p.Register("bot-1", ("echo", "pick_timeout"), (0, 1), token="t")),
    ("heartbeat", p.Heartbeat()),
    ("result ok", p.Result("r1", True, {"x": [1, 2]})),
    ("result failed", p.Result("r1", False, None, "boom")),
    ("schedule", p.Schedule("m1", "echo", {"x": 1}, {"type": "date", "run_date": "2030-01-01"})),
    ("unschedule", p.Unschedule("m1", "job-1")),
    ("pod_open", p.PodOpen("m1", "pod-1", 1800.0)),
    ("pod_start", p.PodStart("m1", "pod-1", 8, TimerPolicy("scaled", 75.0, 15.0, 14))),
    ("seat_waiting", p.SeatWaiting("m1", "pod-1", 3, 17, 12)),
    ("seat_idle", p.SeatIdle("m1", "pod-1", 3)),
    ("pod_end", p.PodEnd("m1", "pod-1", "cancelled")),
    ("registered", p.Registered("bot-1", 2.0)),
    ("run", p.Run("r1", "pick_timeout:pod-1:3:17", "pick_timeout", {"pod": "pod-1"}, "2030", 2)),
    ("ack", p.Ack("m1", "job-1", "2030-01-01T00:00:00+00:00")),
    ("error", p.Error("rejected", "unknown pod", "m1")),
]


@pytest.mark.parametrize("message", [m for _, m in MESSAGES], ids=[n for n, _ in MESSAGES])
def test_every_message_round_trips(message: p.Message) -> None:
    """encode then decode gives back an equal message, with the version and type on the wire."""
    frame = p.encode(message)
    body = json.loads(frame)
    assert body["v"] == p.PROTOCOL_VERSION and body["type"] == message.type
    assert p.decode(frame) == message


def test_every_message_type_is_in_exactly_the_tables_of_its_receivers() -> None:
    """Each side's table holds what it may receive; heartbeat goes both ways, nothing else does."""
    assert set(p.TO_SCHEDULER) & set(p.TO_HANDLER) == {"heartbeat"}
    assert {m.type for _, m in MESSAGES} == set(p.ALL_MESSAGES)


def frame(**body: object) -> bytes:
    return json.dumps({"v": 1, **body}).encode()


SEAT = {
    "type": "seat_waiting",
    "msg_id": "m9",
    "pod": "p",
    "seat": 1,
    "pick_no": 2,
    "cards_left": 3,
}
BAD: list[tuple[str, bytes, str, str]] = [
    ("empty frame", b"", "not_json", ""),
    ("random bytes", b"\xff\xfe\x00garbage", "not_json", ""),
    ("truncated json", frame(**SEAT)[:-7], "not_json", ""),
    ("json array", b"[1,2]", "bad_envelope", ""),
    ("no version", json.dumps({"type": "heartbeat"}).encode(), "unsupported_version", ""),
    (
        "future version",
        json.dumps({"v": 2, "type": "heartbeat"}).encode(),
        "unsupported_version",
        "",
    ),
    ("no type", frame(msg_id="m9"), "bad_envelope", "m9"),
    ("unknown type", frame(type="launch_missiles"), "unknown_type", ""),
    (
        "wrong direction",
        frame(type="run", run_id="r", job_id="j", method="m", params={}, due=""),
        "wrong_direction",
        "",
    ),
    (
        "missing field",
        frame(**{k: v for k, v in SEAT.items() if k != "cards_left"}),
        "invalid_field",
        "m9",
    ),
    ("unknown field", frame(**SEAT, extra=1), "invalid_field", "m9"),
    ("text for a number", frame(**{**SEAT, "seat": "1"}), "invalid_field", "m9"),
    ("bool for a number", frame(**{**SEAT, "seat": True}), "invalid_field", "m9"),
    ("negative seat", frame(**{**SEAT, "seat": -1}), "invalid_field", "m9"),
    ("no cards left", frame(**{**SEAT, "cards_left": 0}), "invalid_field", "m9"),
    ("empty pod", frame(**{**SEAT, "pod": ""}), "invalid_field", "m9"),
    ("huge pod id", frame(**{**SEAT, "pod": "x" * 500}), "invalid_field", "m9"),
    (
        "bad outcome",
        frame(type="pod_end", msg_id="m9", pod="p", outcome="won"),
        "invalid_field",
        "m9",
    ),
    (
        "bad timer kind",
        frame(type="pod_start", msg_id="m9", pod="p", seats=2, timer_policy={"kind": "blitz"}),
        "invalid_field",
        "m9",
    ),
    (
        "fixed timer without seconds",
        frame(type="pod_start", msg_id="m9", pod="p", seats=2, timer_policy={"kind": "fixed"}),
        "invalid_field",
        "m9",
    ),
    (
        "nan ttl",
        b'{"v":1,"type":"pod_open","msg_id":"m9","pod":"p","lobby_ttl":NaN}',
        "invalid_field",
        "m9",
    ),
    (
        "params not an object",
        frame(type="schedule", msg_id="m9", method="e", params=[1], trigger={}),
        "invalid_field",
        "m9",
    ),
    (
        "methods not a list",
        frame(type="register", handler_id="h", methods="echo"),
        "invalid_field",
        "",
    ),
]


@pytest.mark.parametrize(("data", "code", "ref"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_frames_are_refused_with_a_code(data: bytes, code: str, ref: str) -> None:
    """A bad frame raises ProtocolError with the code to answer and the request id when readable."""
    with pytest.raises(p.ProtocolError) as info:
        p.decode(data, accept=p.TO_SCHEDULER)
    assert (info.value.code, info.value.ref) == (code, ref)


def test_oversized_frames_are_refused_before_parsing() -> None:
    """A frame over the limit is refused by size alone."""
    data = p.encode(p.Schedule("m", "echo", {"blob": "x" * 2000}, {}))
    with pytest.raises(p.ProtocolError) as info:
        p.decode(data, max_bytes=1000)
    assert info.value.code == "too_large"


def test_unencodable_params_are_refused_at_encode() -> None:
    """Params that JSON cannot carry are refused by the sender, never pickled."""
    with pytest.raises(p.ProtocolError):
        p.encode(p.Schedule("m", "echo", {"when": object()}, {}))


def test_error_for_carries_code_reason_and_ref() -> None:
    """The error answering a refused frame repeats its code, reason and request id."""
    exc = p.ProtocolError("rejected", "unknown pod", ref="m1")
    assert p.error_for(exc) == p.Error("rejected", "unknown pod", "m1")
