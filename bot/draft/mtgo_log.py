"""MTGO draft logs: one text file per player, written as the 2016 client did, read in both layouts.

The writer emits the classic layout that log-reading tools expect: an ``Event #`` and ``Time``
header, the players in seat order with ``--> `` on the owner, one ``------ CODE ------ `` header
(trailing space included) before each round, then one block per pick listing the pack in pack order
with ``--> `` on the picked card at its position; CRLF line endings; a final newline.

The reader accepts that and the 2023 client's layout, whose ``Pack P pick N:`` numbers are wrong
(picks are numbered by counting blocks within each pack, as Draftmancer's importer does) and whose
``Picked:`` and ``--:`` lines carry nothing a block does not already say. LF or CRLF both read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.draft.cards import Card
from bot.draft.errors import LogFormatError
from bot.draft.pod import Pod
from bot.draft.records import pick_position

SLASHED_LAYOUTS = frozenset({"split", "aftermath"})
_PICK_LINE = re.compile(r"^Pack (\d+) pick (\d+):\s*$")
_UNSAFE = re.compile(r'[\s<>:"/\\|?*\x00-\x1f\x7f]+')
INDENT = "    "
MARK = "--> "


@dataclass(frozen=True, slots=True)
class LoggedPick:
    """One pick block: the pack as the owner saw it, and the position of the card taken."""

    pack_no: int
    pick_no: int
    cards: tuple[str, ...]
    picked: int

    @property
    def card(self) -> str:
        return self.cards[self.picked]


@dataclass(frozen=True, slots=True)
class MtgoLog:
    """One player's log. ``headers`` are the texts between the dashes, in order of appearance."""

    event: str
    time: str
    players: tuple[str, ...]
    owner_seat: int
    headers: tuple[str, ...]
    picks: tuple[LoggedPick, ...]

    @property
    def owner(self) -> str:
        return self.players[self.owner_seat]


def mtgo_card_name(card: Card) -> str:
    """The name MTGO writes: ``Life/Death`` for split cards, the front face for other two-faced."""
    if " // " not in card.name:
        return card.name
    if card.layout in SLASHED_LAYOUTS:
        return "/".join(card.name.split(" // "))
    return card.front_name


def card_name_from_mtgo(name: str) -> str:
    """The MTGJSON spelling of a name read from a log (``Life/Death`` -> ``Life // Death``)."""
    return " // ".join(part.strip() for part in name.split("/")) if "/" in name else name


def format_time(moment: datetime) -> str:
    """The 2016 client's ``Time:`` value, in the moment's own time zone."""
    if moment.tzinfo is None:
        raise ValueError("a log time must be timezone-aware")
    return f"{moment:%m/%d/%Y %H:%M:%S}"


def build_mtgo_log(pod: Pod, seat: int, *, event: str, started_at: datetime) -> MtgoLog:
    """The log of ``seat``: every pick it has made so far (a cancelled pod logs what it has)."""
    records = [r for r in pod.picks if r.seat == seat]
    records.sort(key=lambda r: r.pick_no)
    code = pod.card_set.code
    picks: list[LoggedPick] = []
    for record, pack in zip(records, pod.seen(seat), strict=True):
        pack_no, pick_no = pick_position(record.pick_no, pod.pack_size)
        names = tuple(mtgo_card_name(card) for card in pack)
        picks.append(LoggedPick(pack_no, pick_no, names, record.index))
    rounds = picks[-1].pack_no if picks else 0
    return MtgoLog(
        event=event,
        time=format_time(started_at),
        players=tuple(s.name for s in pod.seats),
        owner_seat=seat,
        headers=tuple(code for _ in range(rounds)),
        picks=tuple(picks),
    )


def format_mtgo_log(log: MtgoLog) -> str:
    """The file's text, CRLF line endings included. One header per round, in round order."""
    lines = [f"Event #: {log.event}", f"Time:    {log.time}", "Players:"]
    lines += [(MARK if i == log.owner_seat else INDENT) + p for i, p in enumerate(log.players)]
    lines.append("")
    for pick in log.picks:
        if pick.pick_no == 1 and pick.pack_no <= len(log.headers):
            lines += [f"------ {log.headers[pick.pack_no - 1]} ------ ", ""]
        lines.append(f"Pack {pick.pack_no} pick {pick.pick_no}:")
        lines += [(MARK if i == pick.picked else INDENT) + c for i, c in enumerate(pick.cards)]
        lines.append("")
    return "\r\n".join(lines) + "\r\n"


def mtgo_log_filename(owner: str, day: date, event: str, set_codes: Sequence[str]) -> str:
    """``<owner>-<yyyy.m.d>-<event>-<SET1><SET2><SET3>.txt``; unsafe characters become ``_``."""
    day_part = f"{day.year}.{day.month}.{day.day}"
    return f"{_safe(owner)}-{day_part}-{_safe(event)}-{_safe(''.join(set_codes))}.txt"


def _safe(part: str) -> str:
    cleaned = _UNSAFE.sub("_", part).strip(" .")[:64]
    return cleaned or "_"


def parse_mtgo_log(text: str) -> MtgoLog:
    """Read a log of either client layout; :class:`LogFormatError` names the first bad line."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    event = time = ""
    players: list[str] = []
    owner: int | None = None
    headers: list[str] = []
    picks: list[LoggedPick] = []
    counted: dict[int, int] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        number = i + 1
        i += 1
        if not line.strip() or line.startswith(("--: ", "Picked: ")):
            continue
        if line.startswith("Event #:"):
            event = line.partition(":")[2].strip()
        elif line.startswith("Time:"):
            time = line.partition(":")[2].strip()
        elif line.rstrip() == "Players:":
            while i < len(lines) and lines[i].strip():
                if lines[i].startswith(MARK):
                    if owner is not None:
                        raise LogFormatError(i + 1, "a second owner in the player list")
                    owner = len(players)
                players.append(lines[i][4:].strip())
                i += 1
        elif line.startswith("------ ") and line.rstrip().endswith(" ------"):
            headers.append(line.rstrip()[7:-7].strip())
        elif match := _PICK_LINE.match(line):
            pack_no = int(match.group(1))
            cards: list[str] = []
            picked: list[int] = []
            while i < len(lines) and lines[i].strip():
                entry = lines[i]
                if entry.startswith(MARK):
                    picked.append(len(cards))
                elif not entry.startswith(INDENT):
                    raise LogFormatError(i + 1, f"expected a card of the pack, got {entry!r}")
                cards.append(entry[4:].strip())
                i += 1
            if len(picked) != 1:
                raise LogFormatError(number, f"a pick must mark one card, found {len(picked)}")
            counted[pack_no] = counted.get(pack_no, 0) + 1
            picks.append(LoggedPick(pack_no, counted[pack_no], tuple(cards), picked[0]))
        else:
            raise LogFormatError(number, f"unexpected line {line!r}")
    if owner is None:
        raise LogFormatError(1, "no player list with a '--> ' owner")
    return MtgoLog(event, time, tuple(players), owner, tuple(headers), tuple(picks))
