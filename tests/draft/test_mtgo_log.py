"""MTGO logs: the writer's exact layout, the reader on real logs of both clients, round trips."""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.draft.errors import LogFormatError
from bot.draft.mtgo_log import (
    build_mtgo_log,
    card_name_from_mtgo,
    format_mtgo_log,
    mtgo_card_name,
    mtgo_log_filename,
    parse_mtgo_log,
)
from bot.draft.pod import Pod
from bot.draft.records import Seat, fill_with_bots
from tests.draft.pod_fixtures import deal, make_card, synthetic_set

LOGS = Path(__file__).resolve().parent.parent / "data" / "draftlogs"
STARTED = datetime(2026, 3, 7, 9, 5, 2, tzinfo=UTC)

REAL = [
    ("phpMTGO_sample_draft.txt", "9488616", "Player1", ("OGW", "OGW", "BFZ")),
    ("MTGO_LOG-2023.9.28-7671-27275695-WOEWOEWOE.txt", "7671", "Player7", None),
    ("MTGO_LOG-2023.10.4-7723-27320475-C03C03C03.txt", "7723", "Player5", None),
    ("MTGO_LOG-2023.10.4-7723-27322073-C03C03C03.txt", "7723", "Player7", None),
]


@pytest.mark.parametrize(("name", "event", "owner", "headers"), REAL, ids=[r[0] for r in REAL])
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_real_logs_read(
    name: str, event: str, owner: str, headers: tuple[str, ...] | None, newline: str
) -> None:
    """Each real log reads as 45 one-pick blocks of packs shrinking 15..1, picks renumbered."""
    text = (LOGS / name).read_text(encoding="utf-8").replace("\n", newline)
    log = parse_mtgo_log(text)
    assert (log.event, log.owner, len(log.players)) == (event, owner, 8)
    assert len(log.picks) == 45
    assert [len(p.cards) for p in log.picks] == list(range(15, 0, -1)) * 3
    assert [(p.pack_no, p.pick_no) for p in log.picks] == [
        (pack, pick) for pack in (1, 2, 3) for pick in range(1, 16)
    ]
    if headers is not None:
        assert log.headers == headers
    else:
        assert len(log.headers) == 15 and all(h.startswith("Pack 1: ") for h in log.headers)


def test_known_facts_of_the_2016_log() -> None:
    """The first and last picks of the phpMTGO sample are what the file shows."""
    log = parse_mtgo_log((LOGS / "phpMTGO_sample_draft.txt").read_text(encoding="utf-8"))
    assert (log.picks[0].picked, log.picks[0].card) == (3, "Oblivion Strike")
    assert log.picks[-1].cards == ("Mountain",)
    assert log.time == "10/03/2016 15:48:46"


def test_the_writer_reproduces_the_real_2016_log_byte_for_byte() -> None:
    """Read and written again, the 2016 log is the original, less its optional ``--:`` lines."""
    original = (LOGS / "phpMTGO_sample_draft.txt").read_text(encoding="utf-8")
    without_selections = re.sub(r"^--: .*\n\n", "", original, flags=re.MULTILINE)
    written = format_mtgo_log(parse_mtgo_log(original))
    assert written == without_selections.replace("\n", "\r\n")


def test_split_names_read_back_to_mtgjson_spelling() -> None:
    """``Life/Death`` in a cube log names the MTGJSON card ``Life // Death``."""
    text = (LOGS / "MTGO_LOG-2023.10.4-7723-27322073-C03C03C03.txt").read_text(encoding="utf-8")
    names = {c for p in parse_mtgo_log(text).picks for c in p.cards}
    assert "Life/Death" in names
    assert card_name_from_mtgo("Life/Death") == "Life // Death"
    assert card_name_from_mtgo("Troll of Khazad-dûm") == "Troll of Khazad-dûm"


def _tiny_pod() -> Pod:
    card_set = synthetic_set(pack_size=2)
    cards = list(card_set.cards.values())
    life_death = next(c for c in cards if c.name == "Life // Death")
    moth = next(c for c in cards if c.name.startswith("Moth Rite"))
    plain = next(c for c in cards if c.name == "W Card 0")
    other = next(c for c in cards if c.name == "U Card 1")

    def fixed(*_: object) -> list[list[tuple[object, ...]]]:
        return [[(life_death, moth), (plain, other)]]

    pod = Pod(1, card_set, [Seat("Ann"), Seat("Bob")], packs_per_seat=1, collate=fixed)  # type: ignore[arg-type]
    pod.start()
    pod.pick(0, 1, 0)
    pod.pick(1, 1, 1)
    pod.pick(0, 2, 0)
    pod.pick(1, 2, 0)
    return pod


def test_the_writer_emits_the_classic_layout_byte_for_byte() -> None:
    """Header, owner mark, set header with its trailing space, blocks, CRLF, final newline."""
    text = format_mtgo_log(build_mtgo_log(_tiny_pod(), 1, event="42", started_at=STARTED))
    assert text == (
        "Event #: 42\r\n"
        "Time:    03/07/2026 09:05:02\r\n"
        "Players:\r\n"
        "    Ann\r\n"
        "--> Bob\r\n"
        "\r\n"
        "------ TST ------ \r\n"
        "\r\n"
        "Pack 1 pick 1:\r\n"
        "    W Card 0\r\n"
        "--> U Card 1\r\n"
        "\r\n"
        "Pack 1 pick 2:\r\n"
        "--> Moth Rite\r\n"
        "\r\n"
    )


def test_split_cards_are_written_with_one_slash() -> None:
    """MTGO writes split cards as ``Life/Death`` and two-faced cards by their front face."""
    text = format_mtgo_log(build_mtgo_log(_tiny_pod(), 0, event="42", started_at=STARTED))
    assert "--> Life/Death\r\n    Moth Rite\r\n" in text
    split = make_card(1, "Cut // Ribbons", layout="aftermath")
    assert mtgo_card_name(split) == "Cut/Ribbons"


def test_the_time_keeps_its_zone_and_refuses_naive_datetimes() -> None:
    """The log shows the time in the zone given; a naive datetime is a programming error."""
    evening = datetime(2026, 12, 24, 21, 0, 0, tzinfo=timezone(timedelta(hours=-5)))
    log = build_mtgo_log(_tiny_pod(), 0, event="1", started_at=evening)
    assert log.time == "12/24/2026 21:00:00"
    with pytest.raises(ValueError):
        build_mtgo_log(_tiny_pod(), 0, event="1", started_at=datetime(2026, 1, 1))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32), players=st.integers(1, 8), packs=st.integers(1, 3))
def test_our_logs_read_back_to_the_same_picks(seed: int, players: int, packs: int) -> None:
    """Every seat's log parses back to its own picks, in order, with the packs as seen."""
    pod = Pod(
        seed, synthetic_set(), fill_with_bots([], players), packs_per_seat=packs, collate=deal
    )
    pod.start()
    for seat in range(players):
        log = build_mtgo_log(pod, seat, event=str(seed), started_at=STARTED)
        text = format_mtgo_log(log)
        assert "\n" not in text.replace("\r\n", "")
        assert text.count("------ TST ------ \r\n") == packs
        assert parse_mtgo_log(text) == log
        assert [p.card for p in log.picks] == [mtgo_card_name(c) for c in pod.pool(seat)]
        assert [len(p.cards) for p in log.picks] == list(range(15, 0, -1)) * packs


def test_a_cancelled_pod_logs_the_picks_made() -> None:
    """A pod stopped mid-draft writes the picks so far and one header per round begun."""
    pod = Pod(3, synthetic_set(pack_size=3), [Seat("Ann"), Seat("Bob")], collate=deal)
    pod.start()
    rng = random.Random(0)
    for _ in range(4):
        view = next(v for v in (pod.view(0), pod.view(1)) if v.pack)
        pod.pick(view.seat, view.pick_no, rng.randrange(len(view.pack)))
    log = parse_mtgo_log(format_mtgo_log(build_mtgo_log(pod, 0, event="9", started_at=STARTED)))
    assert len(log.picks) == pod.current_pick(0) - 1 and len(log.headers) == 1


FILENAMES = [
    (
        "plain",
        ("Player7", date(2023, 9, 28), "7671", ("WOE",) * 3),
        "Player7-2023.9.28-7671-WOEWOEWOE.txt",
    ),
    (
        "unsafe owner",
        ('a/b\\c:d*"e', date(2026, 1, 2), "5", ("NEO",)),
        "a_b_c_d_e-2026.1.2-5-NEO.txt",
    ),
    ("spaces", ("Bot 1", date(2026, 1, 2), "5", ("NEO",)), "Bot_1-2026.1.2-5-NEO.txt"),
    ("dots only", ("..", date(2026, 10, 12), "5", ("NEO",)), "_-2026.10.12-5-NEO.txt"),
    ("unicode kept", ("Lórien", date(2026, 1, 2), "5", ("VOW",)), "Lórien-2026.1.2-5-VOW.txt"),
]


@pytest.mark.parametrize(
    ("args", "expected"), [f[1:] for f in FILENAMES], ids=[f[0] for f in FILENAMES]
)
def test_file_names_follow_mtgo_and_are_safe(
    args: tuple[str, date, str, tuple[str, ...]], expected: str
) -> None:
    """Log file names follow MTGO's pattern and never contain a path separator."""
    assert mtgo_log_filename(*args) == expected


BAD = [
    ("two marked cards", "Players:\n--> A\n\nPack 1 pick 1:\n--> X\n--> Y\n", 4),
    ("no marked card", "Players:\n--> A\n\nPack 1 pick 1:\n    X\n", 4),
    ("no owner", "Players:\n    A\n\nPack 1 pick 1:\n--> X\n", 1),
    ("garbage line", "Players:\n--> A\n\nhello\n", 4),
    ("unindented card", "Players:\n--> A\n\nPack 1 pick 1:\n--> X\nY\n", 6),
]


@pytest.mark.parametrize(("text", "line"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_log_names_its_line(text: str, line: int) -> None:
    """A malformed log is refused with the number of the offending line."""
    with pytest.raises(LogFormatError) as caught:
        parse_mtgo_log(text)
    assert caught.value.line == line
