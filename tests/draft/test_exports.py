"""Exports: the JSON pod log replays to the same pod; decklists in Arena, MTGO and plain text."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from bot.draft.errors import LogFormatError
from bot.draft.exports import (
    POD_LOG_VERSION,
    Deck,
    arena_text,
    mtgo_dek,
    plain_text,
    pod_log_json,
    read_pod_log,
)
from bot.draft.pod import Pod, replay
from bot.draft.records import Seat, fill_with_bots
from tests.draft.pod_fixtures import deal, make_card, synthetic_set

STARTED = datetime(2026, 3, 7, 9, 5, 2, tzinfo=UTC)
BOLT = make_card(1, "Lightning Bolt", colours=("R",), set_code="NEO")
FIRE_ICE = make_card(2, "Fire // Ice", colours=("U", "R"), layout="split", set_code="NEO")
MOTHS = make_card(3, "Befriending the Moths // Imperial Moth", layout="transform", set_code="NEO")
QUOTED = make_card(4, 'Rock & "Roll" <Cats>', set_code="NEO")


def half_drafted_pod() -> Pod:
    pod = Pod(
        11, synthetic_set(pack_size=6), fill_with_bots([Seat("Ann"), Seat("Bo")], 4), collate=deal
    )
    pod.start()
    rng = random.Random(2)
    for _ in range(9):
        view = next(v for v in (pod.view(0), pod.view(1)) if v.pack)
        pod.pick(view.seat, view.pick_no, rng.randrange(len(view.pack)))
    return pod


def test_the_json_log_replays_to_the_same_pod() -> None:
    """Reading the JSON log back and replaying it rebuilds the live pod exactly."""
    pod = half_drafted_pod()
    log = read_pod_log(pod_log_json(pod, event="77", started_at=STARTED))
    assert (log.event, log.seed, log.set_code, log.seats) == ("77", 11, "TST", pod.seats)
    again = replay(
        log.seed,
        pod.card_set,
        log.seats,
        log.picks,
        packs_per_seat=log.packs_per_seat,
        collate=deal,
    )
    assert again.state() == pod.state()


def test_the_json_log_shows_packs_picks_and_pools_by_name() -> None:
    """People and tools read names, pack and pick numbers straight from the document."""
    pod = half_drafted_pod()
    document = json.loads(pod_log_json(pod, event="77", started_at=STARTED))
    first = document["picks"][0]
    assert first["card"] == pod.card_set.cards[first["card_id"]].name
    assert {"pack_no", "pick_in_pack", "by"} <= set(first)
    assert document["pools"][0] == [card.name for card in pod.pool(0)]
    assert document["started_at"] == "2026-03-07T09:05:02+00:00"


def _broken(change: dict[str, object]) -> str:
    document = json.loads(pod_log_json(half_drafted_pod(), event="1", started_at=STARTED))
    document.update(change)
    return json.dumps(document)


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        json.dumps({"format": "something else", "version": 1}),
        _broken({"version": POD_LOG_VERSION + 1}),
        _broken({"seats": [{"name": "Ann", "kind": "wizard"}]}),
        _broken({"picks": [{"seat": 0}]}),
    ],
    ids=["not JSON", "other format", "future version", "bad seat kind", "truncated pick"],
)
def test_a_bad_json_log_is_refused_plainly(text: str) -> None:
    """Anything but a complete pod log of a known version raises LogFormatError."""
    with pytest.raises(LogFormatError):
        read_pod_log(text)


DECK = Deck.from_pool([BOLT, FIRE_ICE, BOLT, MOTHS], sideboard=[BOLT])


def test_arena_text_counts_cards_and_names_printings() -> None:
    """Arena lists ``N Name (SET) number``, split cards whole, two-faced cards by front face."""
    assert arena_text(DECK) == (
        "Deck\n"
        "2 Lightning Bolt (NEO) 1\n"
        "1 Fire // Ice (NEO) 2\n"
        "1 Befriending the Moths (NEO) 3\n"
        "\n"
        "Sideboard\n"
        "1 Lightning Bolt (NEO) 1\n"
    )
    assert arena_text(Deck.from_pool([BOLT, BOLT]), printings=False) == "Deck\n2 Lightning Bolt\n"


def test_plain_text_is_counts_and_full_names() -> None:
    """The plain list is ``N Name`` with the sideboard after a blank line."""
    assert plain_text(DECK) == (
        "2 Lightning Bolt\n1 Fire // Ice\n1 Befriending the Moths // Imperial Moth\n"
        "\nSideboard\n1 Lightning Bolt\n"
    )


def test_mtgo_dek_is_well_formed_xml_with_mtgo_names() -> None:
    """The .dek parses as XML, escapes names, and uses MTGO spellings and quantities."""
    deck = Deck.from_pool([*DECK.main, QUOTED], DECK.sideboard)
    root = ET.fromstring(mtgo_dek(deck).encode("utf-8"))
    rows = [(c.get("Name"), c.get("Quantity"), c.get("Sideboard")) for c in root.iter("Cards")]
    assert rows == [
        ("Lightning Bolt", "2", "false"),
        ("Fire/Ice", "1", "false"),
        ("Befriending the Moths", "1", "false"),
        ('Rock & "Roll" <Cats>', "1", "false"),
        ("Lightning Bolt", "1", "true"),
    ]
    assert root.findtext("NetDeckID") == "0"
