"""What a pod leaves as text: the JSON log of the whole pod, and decklists to import elsewhere.

The JSON log carries a format name and version and is enough, with the set, to :func:`replay` the
pod: seed, seats, packs per seat and every pick record (the opened packs and pools ride along for
people and tools, and are checked against the replay by whoever wants to). Decklists come in three
dialects: MTG Arena's import text, MTGO's ``.dek`` XML and a plain ``N Name`` list. Everything here
returns text; writing files is the caller's job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from bot.draft.cards import Card, CardId
from bot.draft.errors import LogFormatError
from bot.draft.mtgo_log import SLASHED_LAYOUTS, mtgo_card_name
from bot.draft.pod import Pod
from bot.draft.records import PICKERS, PickRecord, Seat, pick_position

POD_LOG_FORMAT = "draftpod.pod-log"
POD_LOG_VERSION = 1


@dataclass(frozen=True, slots=True)
class PodLog:
    """What a JSON pod log says, as values: enough to replay the pod given its set."""

    event: str
    seed: int
    set_code: str
    packs_per_seat: int
    seats: tuple[Seat, ...]
    picks: tuple[PickRecord, ...]


def pod_log_json(pod: Pod, *, event: str, started_at: datetime) -> str:
    """The whole pod as JSON: set, seats, opened packs, every pick in order, and the pools."""
    if started_at.tzinfo is None:
        raise ValueError("a log time must be timezone-aware")
    names = {
        card.id: card.name for round_packs in pod.packs for pack in round_packs for card in pack
    }
    document = {
        "format": POD_LOG_FORMAT,
        "version": POD_LOG_VERSION,
        "event": event,
        "started_at": started_at.isoformat(),
        "seed": pod.seed,
        "set": {"code": pod.card_set.code, "name": pod.card_set.name, "kind": pod.card_set.kind},
        "packs_per_seat": pod.packs_per_seat,
        "pack_size": pod.pack_size,
        "finished": pod.finished,
        "seats": [{"name": seat.name, "kind": seat.kind} for seat in pod.seats],
        "packs": [[[card.id for card in pack] for pack in rnd] for rnd in pod.packs],
        "picks": [
            {
                "seat": r.seat,
                "pick_no": r.pick_no,
                "pack_no": pick_position(r.pick_no, pod.pack_size)[0],
                "pick_in_pack": pick_position(r.pick_no, pod.pack_size)[1],
                "index": r.index,
                "card_id": r.card_id,
                "card": names[r.card_id],
                "by": r.by,
            }
            for r in pod.picks
        ],
        "pools": [[card.name for card in pod.pool(seat)] for seat in range(len(pod.seats))],
        "cards": names,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def read_pod_log(text: str) -> PodLog:
    """Read a JSON pod log; refuse another format or a version this code does not know."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LogFormatError(exc.lineno, f"not JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("format") != POD_LOG_FORMAT:
        raise LogFormatError(1, f"not a {POD_LOG_FORMAT} document")
    if data.get("version") != POD_LOG_VERSION:
        raise LogFormatError(1, f"unknown {POD_LOG_FORMAT} version {data.get('version')!r}")
    try:
        seats = tuple(
            Seat(str(s["name"]), _choice(s["kind"], ("player", "bot"))) for s in data["seats"]
        )
        picks = tuple(
            PickRecord(
                int(p["seat"]),
                int(p["pick_no"]),
                int(p["index"]),
                CardId(str(p["card_id"])),
                _choice(p["by"], PICKERS),
            )
            for p in data["picks"]
        )
        return PodLog(
            event=str(data["event"]),
            seed=int(data["seed"]),
            set_code=str(data["set"]["code"]),
            packs_per_seat=int(data["packs_per_seat"]),
            seats=seats,
            picks=picks,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise LogFormatError(1, f"missing or malformed field: {exc}") from exc


def _choice(value: Any, allowed: Sequence[str]) -> Any:
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
    return value


@dataclass(frozen=True, slots=True)
class Deck:
    """A decklist: the main deck and the sideboard. A fresh pool is all main deck."""

    main: tuple[Card, ...]
    sideboard: tuple[Card, ...] = ()

    @classmethod
    def from_pool(cls, pool: Iterable[Card], sideboard: Iterable[Card] = ()) -> Deck:
        return cls(tuple(pool), tuple(sideboard))


def _counted(cards: Iterable[Card], key: Any) -> list[tuple[int, Card]]:
    """(count, first card) per distinct key, in order of first appearance."""
    counts: dict[Any, list[Any]] = {}
    for card in cards:
        entry = counts.setdefault(key(card), [0, card])
        entry[0] += 1
    return [(count, card) for count, card in counts.values()]


def arena_name(card: Card) -> str:
    """MTG Arena's spelling: ``Fire // Ice`` for split cards, the front face for other two-faced."""
    if " // " in card.name and card.layout not in SLASHED_LAYOUTS:
        return card.front_name
    return card.name


def arena_text(deck: Deck, *, printings: bool = True) -> str:
    """Arena's import text; ``printings`` adds ``(SET) number`` (turn it off for cubes)."""

    def line(count: int, card: Card) -> str:
        suffix = f" ({card.set_code}) {card.number}" if printings else ""
        return f"{count} {arena_name(card)}{suffix}"

    key = (lambda c: (c.name, c.set_code, c.number)) if printings else (lambda c: c.name)
    lines = ["Deck", *(line(n, c) for n, c in _counted(deck.main, key))]
    if deck.sideboard:
        lines += ["", "Sideboard", *(line(n, c) for n, c in _counted(deck.sideboard, key))]
    return "\n".join(lines) + "\n"


def plain_text(deck: Deck) -> str:
    """``N Name`` lines, a blank line, then the sideboard under ``Sideboard``."""
    lines = [f"{n} {c.name}" for n, c in _counted(deck.main, lambda c: c.name)]
    if deck.sideboard:
        lines += ["", "Sideboard"]
        lines += [f"{n} {c.name}" for n, c in _counted(deck.sideboard, lambda c: c.name)]
    return "\n".join(lines) + "\n"


def mtgo_dek(deck: Deck) -> str:
    """MTGO's ``.dek`` XML. Cards are named as MTGO names them; no catalogue ids are known."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<Deck xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
        "  <NetDeckID>0</NetDeckID>",
        "  <PreconstructedDeckID>0</PreconstructedDeckID>",
    ]
    for cards, side in ((deck.main, "false"), (deck.sideboard, "true")):
        for count, card in _counted(cards, mtgo_card_name):
            lines.append(
                f'  <Cards Quantity="{count}" Sideboard="{side}"'
                f" Name={quoteattr(mtgo_card_name(card))} />"
            )
    lines.append("</Deck>")
    return "\r\n".join(lines) + "\r\n"
