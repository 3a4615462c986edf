"""Set-file parsers: good files give the right cards, bad ones a typed error at the right place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.draft.cards import CardId
from bot.draft.set_errors import SetFileError
from bot.draft.setfiles import (
    CardIndex,
    build_cube,
    parse_17lands,
    parse_cube_csv,
    parse_cube_text,
    parse_custom_set,
    parse_draftmancer,
    parse_mtgjson,
)
from bot.draft.setfiles._fields import canonical_name, slug
from tests.draft.setfile_fixtures import DELETE, custom_doc, mtgjson_doc, with_change

DATA = Path(__file__).resolve().parent.parent / "data" / "cubes"
SOURCE = Path("sets/TST.json")


def test_mtgjson_builds_cards_sheets_and_faces() -> None:
    """Sheet cards become Cards; a DFC gets both faces from its face entries; pack size adds up."""
    card_set = parse_mtgjson(mtgjson_doc(), SOURCE)
    assert card_set.code == "TST" and card_set.kind == "retail" and card_set.pack_size == 10
    assert card_set.booster is not None and card_set.booster.kind == "draft"
    dfc = card_set.cards[CardId("d0")]
    assert [face.name for face in dfc.faces] == ["Front Face", "Back Face"]
    assert dfc.faces[1].power == "3" and dfc.front_name == "Front Face"
    assert "d0b" not in card_set.cards
    assert card_set.cards[CardId("m0")].loyalty == "3"
    assert card_set.booster.sheets["common"].balance_colours


@pytest.mark.parametrize(
    ("kind_present", "expected"),
    [
        pytest.param(("draft", "default", "arena"), "draft", id="draft-first"),
        pytest.param(("default", "arena"), "default", id="default-second"),
        pytest.param(("arena",), "arena", id="arena-last"),
    ],
)
def test_mtgjson_booster_kind_precedence(kind_present: tuple[str, ...], expected: str) -> None:
    """draft is preferred, then default, then arena."""
    doc = mtgjson_doc()
    spec = doc["data"]["booster"]["draft"]
    doc["data"]["booster"] = {kind: spec for kind in kind_present}
    booster = parse_mtgjson(doc, SOURCE).booster
    assert booster is not None and booster.kind == expected


def test_mtgjson_without_booster_keeps_one_printing_per_name() -> None:
    """A set file without booster data gives its front faces, for the rarity default."""
    doc = with_change(mtgjson_doc(), "data.booster", DELETE)
    card_set = parse_mtgjson(doc, SOURCE)
    assert card_set.booster is None
    assert len(card_set.cards) == 20 and "d0b" not in card_set.cards


S = "data.booster.draft.sheets"
B = "data.booster.draft.boosters.0"
BW = "data.booster.draft.boosters[0]"


@pytest.mark.parametrize(
    ("path", "value", "where", "reason"),
    [
        pytest.param("data", DELETE, "data", "expected a mapping", id="no-data"),
        pytest.param("data.code", 7, "data.code", "expected text", id="code-not-text"),
        pytest.param("data.name", DELETE, "data.name", "missing", id="no-name"),
        pytest.param("data.cards", {}, "data.cards", "expected a list", id="cards-not-list"),
        pytest.param("data.cards.0", "x", "data.cards[0]", "expected a mapping", id="card-not-map"),
        pytest.param(
            "data.cards.0.rarity", "epic", "data.cards[0].rarity", "unknown rarity", id="bad-rarity"
        ),
        pytest.param(
            "data.cards.0.colors", ["P"], "data.cards[0].colors", "unknown colour", id="bad-colour"
        ),
        pytest.param(
            f"{S}.rare.cards.r0", 0, f"{S}.rare.cards.r0", "positive whole number", id="zero-weight"
        ),
        pytest.param(
            f"{S}.rare.cards.zz",
            1,
            f"{S}.rare.cards.zz",
            "no card with this uuid",
            id="unknown-uuid",
        ),
        pytest.param(
            f"{S}.uncommon.cards.d0b",
            1,
            f"{S}.uncommon.cards.d0b",
            "back face",
            id="back-face-on-sheet",
        ),
        pytest.param(
            f"{S}.rare.totalWeight",
            4,
            f"{S}.rare.totalWeight",
            "weights sum to 3",
            id="total-mismatch",
        ),
        pytest.param(
            f"{B}.contents.foil", 1, f"{BW}.contents.foil", "no sheet", id="no-such-sheet"
        ),
        pytest.param(
            f"{B}.contents.rare",
            3,
            f"{BW}.contents.rare",
            "from a sheet of 2",
            id="sheet-too-small",
        ),
        pytest.param(f"{B}.weight", -1, f"{BW}.weight", "must be positive", id="negative-weight"),
        pytest.param(
            "data.booster.draft.boostersTotalWeight",
            2,
            "data.booster.draft.boostersTotalWeight",
            "sum to 1",
            id="variant-total",
        ),
        pytest.param(f"{S}.rare.cards", {}, f"{S}.rare.cards", "empty sheet", id="empty-sheet"),
    ],
)
def test_mtgjson_bad_files(path: str, value: Any, where: str, reason: str) -> None:
    """Each broken key is reported at that key with its reason, and the file name."""
    with pytest.raises(SetFileError) as caught:
        parse_mtgjson(with_change(mtgjson_doc(), path, value), SOURCE)
    assert caught.value.where == where
    assert reason in caught.value.reason
    assert str(caught.value).startswith("TST.json: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Opt\nShock\n", [("Opt", 1), ("Shock", 1)], id="plain"),
        pytest.param("2 Opt\n3x Shock\n", [("Opt", 2), ("Shock", 3)], id="counts"),
        pytest.param("# Blue\nOpt\n\n# Red\nShock\n", [("Opt", 1), ("Shock", 1)], id="sections"),
        pytest.param("Fire/Ice\n", [("Fire // Ice", 1)], id="single-slash-split"),
        pytest.param("Fire  //  Ice\n", [("Fire // Ice", 1)], id="spaced-split"),
        pytest.param("1 [APC:128] Fire // Ice\n", [("Fire // Ice", 1)], id="xmage-dck"),
        pytest.param(
            "# mainboard\nOpt\n# maybeboard\nShock\n# mainboard\nDuress\n",
            [("Opt", 1), ("Duress", 1)],
            id="cubecobra-maybeboard-excluded",
        ),
        pytest.param(
            "NAME:My Cube\nAUTHOR:me\nOpt\nSB: 1 [M19:1] Shock\n",
            [("Opt", 1)],
            id="dck-headers-and-sideboard",
        ),
    ],
)
def test_cube_text_forms(text: str, expected: list[tuple[str, int]]) -> None:
    """Every supported line-based form gives the names (MTGJSON spelling) and counts."""
    cube = parse_cube_text(text, Path("cube.txt"))
    assert [(e.name, e.count) for e in cube.entries] == expected


def test_cube_metadata_header() -> None:
    """Leading `# code:`, `# name:` and `# pack_size:` comments set the cube's metadata."""
    cube = parse_cube_text("# code: XC1\n# name: My Cube\n# pack_size: 12\nOpt\n", Path("c.txt"))
    assert (cube.code, cube.name, cube.pack_size) == ("XC1", "My Cube", 12)


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        pytest.param("", "", "no cards", id="empty"),
        pytest.param("# only a comment\n", "", "no cards", id="comments-only"),
        pytest.param("Opt\n0 Shock\n", "line 2", "count must be between", id="zero-count"),
        pytest.param("Opt\n\n100 Shock\n", "line 3", "count must be between", id="huge-count"),
        pytest.param("// Ice\n", "", "no cards", id="comment-like"),
        pytest.param("Opt\nFire //\n", "line 2", "not a card name", id="half-split"),
        pytest.param("# pack_size: 99\nOpt\n", "pack_size", "from 1 to 30", id="bad-pack-size"),
    ],
)
def test_cube_text_bad_files(text: str, where: str, reason: str) -> None:
    """A bad cube list names its line (or key) and the reason."""
    with pytest.raises(SetFileError) as caught:
        parse_cube_text(text, Path("cube.txt"))
    assert (caught.value.where, reason in caught.value.reason) == (where, True)


def test_cubecobra_export_sample_drops_the_maybeboard() -> None:
    """The real CubeCobra export gives its mainboard (246 names) and nothing of the maybeboard."""
    text = (DATA / "CubeCobraExport_sample.txt").read_text(encoding="utf-8")
    cube = parse_cube_text(text, Path("CubeCobraExport_sample.txt"))
    assert cube.entries[0].name == "Clockwork Drawbridge" and cube.entries[0].line == 2
    assert max(e.line for e in cube.entries) == 247 and cube.size == 246


def test_xmage_vintage_cube_reads_540_cards_with_printings() -> None:
    """The real XMage .dck gives 540 singletons and keeps each printing as a hint."""
    text = (DATA / "vintage_cube_2021-03.dck").read_text(encoding="utf-8")
    cube = parse_cube_text(text, Path("vintage.dck"))
    assert cube.size == 540 and cube.name == "Vintage Cube (01.03.2021)"
    assert cube.entries[3].name == "Balance" and cube.entries[3].printing == ("LEB", "3")


@pytest.mark.parametrize(
    ("text", "expected", "where"),
    [
        pytest.param("Name,CMC\nOpt,1\nFire/Ice,4\n", ["Opt", "Fire // Ice"], None, id="plain"),
        pytest.param("name,Maybeboard\nOpt,false\nShock,true\n", ["Opt"], None, id="maybeboard"),
        pytest.param("Card,CMC\nOpt,1\n", None, "line 1", id="no-name-column"),
        pytest.param("Name,CMC\nOpt,1\n,2\n", None, "line 3", id="empty-name"),
    ],
)
def test_cubecobra_csv(text: str, expected: list[str] | None, where: str | None) -> None:
    """CubeCobra CSV: names from the Name column, maybeboard rows out, bad rows named by line."""
    if expected is not None:
        assert [e.name for e in parse_cube_csv(text, Path("c.csv")).entries] == expected
    else:
        with pytest.raises(SetFileError) as caught:
            parse_cube_csv(text, Path("c.csv"))
        assert caught.value.where == where


def test_cube_looks_up_cards_by_folded_and_front_names() -> None:
    """A cube finds cards by folded name, split spelling and front face; copies count."""
    retail = parse_mtgjson(mtgjson_doc(), SOURCE)
    index = CardIndex()
    index.add_all(retail.cards.values())
    cube = parse_cube_text(
        "# code: c1\n2 common 0\nfront face\nFRONT FACE // back face\n", Path("x.txt")
    )
    card_set = build_cube(cube, Path("x.txt"), [index])
    assert card_set.code == "C1" and card_set.kind == "cube"
    assert len(card_set.cards) == 2 and len(card_set.cube_list) == 4
    assert card_set.cube_list.count(slug("Common 0")) == 2
    assert all(card.set_code == "C1" for card in card_set.cards.values())


def test_cube_card_without_data_names_its_line() -> None:
    """A cube naming a card nobody has data for fails at that line."""
    cube = parse_cube_text("Common 0\nNo Such Card\n", Path("x.txt"))
    index = CardIndex()
    index.add_all(parse_mtgjson(mtgjson_doc(), SOURCE).cards.values())
    with pytest.raises(SetFileError) as caught:
        build_cube(cube, Path("x.txt"), [index])
    assert caught.value.where == "line 2" and "No Such Card" in caught.value.reason


def test_custom_set_parses_and_derives_colours() -> None:
    """A custom set gets ids, numbers and colours from its mana costs; YAML ints become text."""
    card_set = parse_custom_set(custom_doc(), Path("CUS.yaml"))
    assert card_set.kind == "custom" and card_set.booster is None and card_set.pack_size == 15
    gamma = card_set.cards[slug("Gamma")]
    assert (gamma.colours, gamma.power, gamma.number) == (("B",), "1", "3")


@pytest.mark.parametrize(
    ("path", "value", "where", "reason"),
    [
        pytest.param("colour", "W", "colour", "unknown key", id="unknown-top-key"),
        pytest.param("cards.0.powr", 1, "cards[0].powr", "unknown key", id="unknown-card-key"),
        pytest.param("code", DELETE, "code", "missing", id="no-code"),
        pytest.param("code", "../X", "code", "letters and digits", id="code-with-separators"),
        pytest.param("cards", "Alpha", "cards", "expected a list", id="cards-not-list"),
        pytest.param("cards.1.name", "Alpha", "cards[1].name", "appears twice", id="duplicate"),
        pytest.param("cards.0.rarity", "epic", "cards[0].rarity", "unknown rarity", id="rarity"),
        pytest.param("cards.0.colours", ["X"], "cards[0].colours", "unknown colour", id="colour"),
        pytest.param("cards.2.rarity", "uncommon", "cards", "rare or mythic", id="no-rare"),
        pytest.param("pack_size", 40, "pack_size", "must be from", id="pack-size"),
        pytest.param(
            "cards.0.faces", [{"name": "A"}], "cards[0].faces", "at least two", id="one-face"
        ),
        pytest.param(
            "cards.0.faces",
            [{"name": "A"}, {"name": "B"}],
            "cards[0].name",
            "named after its faces",
            id="face-name-mismatch",
        ),
        pytest.param("cards.0.power", [1], "cards[0].power", "expected text", id="power-list"),
    ],
)
def test_custom_set_bad_files(path: str, value: Any, where: str, reason: str) -> None:
    """Each mistake in a custom set is reported at its key."""
    with pytest.raises(SetFileError) as caught:
        parse_custom_set(with_change(custom_doc(), path, value), Path("CUS.yaml"))
    assert caught.value.where == where
    assert reason in caught.value.reason


def test_17lands_ratings_are_normalised_and_skip_missing_data() -> None:
    """17Lands win rates map to 0..1 across the set; 0.0 (no data) is left out, pairs kept."""
    doc = {
        "card_ratings": {
            "1": {
                "name": "A",
                "deck_colors": {"All Decks": {"gihwr": 50.0}, "WU": {"gihwr": 60.0}},
            },
            "2": {"name": "B", "deck_colors": {"All Decks": {"gihwr": 60.0}, "WU": {"gihwr": 0.0}}},
            "3": {"name": "C", "deck_colors": {"All Decks": {"gihwr": 55.0}, "WUB": {"gihwr": 70}}},
            "4": {"name": "D", "deck_colors": {"All Decks": {"gihwr": 0.0}}},
        }
    }
    ratings = parse_17lands(doc, Path("X.17lands.json"))
    assert ratings.source == "17lands"
    assert ratings.overall == {"A": 0.0, "B": 1.0, "C": 0.5}
    assert ratings.by_colours == {"WU": {"A": 1.0}}


@pytest.mark.parametrize(
    ("doc", "where"),
    [
        pytest.param({"A": "high"}, "A", id="not-a-number"),
        pytest.param({"A": 7}, "A", id="over-five"),
        pytest.param([1, 2], "", id="not-a-mapping"),
    ],
)
def test_draftmancer_bad_ratings(doc: Any, where: str) -> None:
    """A Draftmancer rating that is not a number from 0 to 5 is refused at its name."""
    with pytest.raises(SetFileError) as caught:
        parse_draftmancer(doc, Path("X.draftmancer.json"))
    assert caught.value.where == where


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        pytest.param("Life/Death", "Life // Death", id="mtgo-split"),
        pytest.param("Life // Death", "Life // Death", id="already"),
        pytest.param(" Opt ", "Opt", id="spaces"),
    ],
)
def test_canonical_names(raw: str, canonical: str) -> None:
    """List spellings of split cards map to MTGJSON's `A // B`."""
    assert canonical_name(raw) == canonical


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
MTGJSON_KEYS = st.sampled_from(
    [
        "data.code",
        "data.cards.0",
        "data.cards.0.name",
        "data.cards.3.otherFaceIds",
        "data.cards.0.power",
        "data.booster",
        f"{S}.common",
        f"{S}.common.cards",
        f"{B}.contents",
        f"{B}.contents.common",
    ]
)


@settings(max_examples=150, deadline=None)
@given(path=MTGJSON_KEYS, value=JSON_VALUES)
def test_mtgjson_any_value_anywhere_gives_a_set_or_a_set_file_error(path: str, value: Any) -> None:
    """Whatever value lands at a key, the parser gives a set or a SetFileError, nothing else."""
    try:
        parse_mtgjson(with_change(mtgjson_doc(), path, value), SOURCE)
    except SetFileError as exc:
        assert exc.path == SOURCE and exc.reason


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_cube_text_any_text_gives_a_list_or_a_set_file_error(text: str) -> None:
    """Arbitrary text is a cube list or a SetFileError naming the file, never a crash."""
    try:
        cube = parse_cube_text(text, Path("fuzz.txt"))
    except SetFileError as exc:
        assert exc.path.name == "fuzz.txt"
    else:
        assert cube.size >= 1 and all(entry.name for entry in cube.entries)


@settings(max_examples=150, deadline=None)
@given(
    value=JSON_VALUES, key=st.sampled_from(["code", "name", "cards", "cards.0", "cards.0.faces"])
)
def test_custom_set_any_value_gives_a_set_or_a_set_file_error(key: str, value: Any) -> None:
    """Any value at a custom-set key gives a set or a SetFileError, never another exception."""
    try:
        parse_custom_set(with_change(custom_doc(), key, value), Path("CUS.yaml"))
    except SetFileError as exc:
        assert exc.reason


def test_17lands_bad_value_is_named_at_its_colour_key() -> None:
    """A win rate that is not a number is reported at card_ratings.<id>.deck_colors.<pair>."""
    doc = {"card_ratings": {"9": {"name": "A", "deck_colors": {"WU": {"gihwr": "high"}}}}}
    with pytest.raises(SetFileError) as caught:
        parse_17lands(doc, Path("X.17lands.json"))
    assert caught.value.where == "card_ratings.9.deck_colors.WU.gihwr"


@pytest.mark.parametrize(
    ("header", "file_name", "expected"),
    [
        pytest.param("# code: ahc2\n", "x.txt", "AHC2", id="declared"),
        pytest.param("", "Arena Cube #2.txt", "ARENACUBE2", id="from-file-name"),
        pytest.param("# code: ../etc\n", "x.txt", None, id="declared-path-refused"),
        pytest.param("# code: A B\n", "x.txt", None, id="declared-space-refused"),
        pytest.param("", "---.txt", None, id="file-name-without-letters"),
    ],
)
def test_cube_code_declared_or_from_file_name(
    header: str, file_name: str, expected: str | None
) -> None:
    """A declared code must be letters and digits as written; a file name is reduced to them."""
    index = CardIndex()
    index.add_all(parse_mtgjson(mtgjson_doc(), SOURCE).cards.values())
    cube = parse_cube_text(header + "Common 0\n", Path(file_name))
    if expected is None:
        with pytest.raises(SetFileError) as caught:
            build_cube(cube, Path(file_name), [index])
        assert caught.value.where == "code"
    else:
        assert build_cube(cube, Path(file_name), [index]).code == expected
