"""The catalog: every file in a folder loads or is listed as an error, and the rest still load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.draft.catalog import load_catalog as load_pure
from bot.draft.set_errors import SetError, UnknownSet
from bot.sets import ParseCache, load_catalog
from tests.draft.setfile_fixtures import custom_doc, mtgjson_doc, with_change


def write_json(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A sets folder holding one good file of each kind."""
    write_json(tmp_path / "TST.json", mtgjson_doc())
    (tmp_path / "CUS.yaml").write_text(yaml.safe_dump(custom_doc()), encoding="utf-8")
    (tmp_path / "MyCube.txt").write_text("# code: MYC\nCommon 0\n2 Rare 0\n", encoding="utf-8")
    return tmp_path


def test_every_kind_loads_keyed_by_upper_case_code(folder: Path) -> None:
    """A retail set, a custom set and a cube load from one folder, keyed by code."""
    catalog = load_catalog(folder)
    assert catalog.errors == ()
    assert sorted(catalog.sets) == ["CUS", "MYC", "TST"]
    assert catalog.get("tst").kind == "retail" and catalog.get(" myc ").kind == "cube"
    assert catalog.entries["TST"].booster_kinds == ("draft",)


@pytest.mark.parametrize(
    ("name", "content", "where", "reason"),
    [
        pytest.param("BAD.json", "{not json", "line 1", "not valid JSON", id="bad-json"),
        pytest.param("BAD.json", "[1, 2]", "", "expected a mapping", id="json-not-object"),
        pytest.param("BAD.yaml", "code: [unclosed", "", "not valid YAML", id="bad-yaml"),
        pytest.param(
            "BAD.yaml",
            "!!python/object/apply:os.system ['true']",
            "",
            "not valid YAML",
            id="unsafe-yaml-tag",
        ),
        pytest.param("BAD.yaml", "- a\n- b\n", "", "expected a mapping", id="yaml-list"),
        pytest.param(
            "BAD.txt", "Common 0\nNo Such Card\n", "line 2", "no card data", id="cube-unknown-card"
        ),
        pytest.param("BAD.dck", "\xff\xfe", "", "", id="cube-not-utf8"),
        pytest.param("BAD.csv", "Card\nOpt\n", "line 1", "no 'Name' column", id="csv-no-name"),
    ],
)
def test_a_bad_file_is_listed_and_the_others_load(
    folder: Path, name: str, content: str, where: str, reason: str
) -> None:
    """One bad file gives one error naming it; the good sets are all still there."""
    path = folder / name
    if name.endswith(".dck"):
        path.write_bytes(b"\xff\xfe\x00")
    else:
        path.write_text(content, encoding="utf-8")
    catalog = load_catalog(folder)
    assert sorted(catalog.sets) == ["CUS", "MYC", "TST"]
    assert [e.path.name for e in catalog.errors] == [name]
    if where:
        assert catalog.errors[0].where == where
    assert reason in catalog.errors[0].reason


def test_file_over_the_size_limit_is_refused_unread(folder: Path) -> None:
    """A file larger than the configured limit is an error, the smaller ones load."""
    write_json(folder / "BIG.json", with_change(mtgjson_doc(), "data.code", "BIG"))
    size = (folder / "BIG.json").stat().st_size
    catalog = load_catalog(folder, max_file_bytes=size - 1)
    assert any(e.path.name == "BIG.json" and "over the limit" in e.reason for e in catalog.errors)


def test_duplicate_code_is_an_error_naming_both_files(folder: Path) -> None:
    """Two files claiming one code: the second is refused and told which file has it."""
    write_json(folder / "TST2.json", mtgjson_doc())
    catalog = load_catalog(folder)
    assert [str(e) for e in catalog.errors] == [
        "TST2.json: code: set code TST is already used by TST.json"
    ]


@pytest.mark.parametrize("code", ["../ETC", "A/B", "A\\B", "NE O"], ids=str)
def test_codes_with_path_separators_are_refused(folder: Path, code: str) -> None:
    """A set code that is not plain letters and digits never reaches the catalog."""
    write_json(folder / "ODD.json", with_change(mtgjson_doc(), "data.code", code))
    catalog = load_catalog(folder)
    assert [e.path.name for e in catalog.errors] == ["ODD.json"]
    assert all("/" not in c and "\\" not in c for c in catalog.sets)


@pytest.mark.parametrize("code", ["NOPE", "../TST", "TST/..", ""], ids=repr)
def test_unknown_code_raises_unknown_set(folder: Path, code: str) -> None:
    """get() refuses codes it does not hold, path-like ones included, listing the known codes."""
    with pytest.raises(UnknownSet) as caught:
        load_catalog(folder).get(code)
    assert caught.value.known == ("CUS", "MYC", "TST") and isinstance(caught.value, SetError)


def test_companion_files_are_not_sets_and_ratings_attach(folder: Path) -> None:
    """*.cards.json and ratings files are read for their set, never loaded as sets themselves."""
    write_json(folder / "TST.draftmancer.json", {"Common 0": 5.0, "Front Face": 2.5, "Other": 1})
    write_json(folder / "MyCube.cards.json", {"cards": []})
    catalog = load_catalog(folder)
    assert catalog.errors == () and sorted(catalog.sets) == ["CUS", "MYC", "TST"]
    ratings = catalog.get("TST").ratings
    assert ratings.source == "draftmancer"
    assert ratings.overall == {"Common 0": 1.0, "Front Face // Back Face": 0.5}
    assert catalog.entries["TST"].ratings_file == folder / "TST.draftmancer.json"
    assert catalog.get("CUS").ratings.source == "heuristic"


def test_bad_ratings_are_listed_and_the_set_loads_with_the_heuristic(folder: Path) -> None:
    """A broken ratings file is an error of its own; its set still loads, unrated."""
    write_json(folder / "TST.17lands.json", {"card_ratings": "nope"})
    catalog = load_catalog(folder)
    assert [e.path.name for e in catalog.errors] == ["TST.17lands.json"]
    assert catalog.get("TST").ratings.source == "heuristic"


def test_cube_card_data_comes_from_its_cards_json_first(folder: Path) -> None:
    """A cube's own card data beats the retail sets and covers cards they lack."""
    record = {
        "name": "Homebrew Bear",
        "cubeListName": "Bear",
        "rarity": "common",
        "manaCost": "{1}{G}",
        "type": "Creature — Bear",
        "power": "2",
        "toughness": "2",
    }
    write_json(folder / "MyCube.cards.json", {"cards": [record]})
    (folder / "MyCube.txt").write_text("# code: MYC\nBear\nCommon 0\n", encoding="utf-8")
    cube = load_catalog(folder).get("MYC")
    assert sorted(c.name for c in cube.cards.values()) == ["Common 0", "Homebrew Bear"]


def test_a_new_file_is_picked_up_on_the_next_load(folder: Path) -> None:
    """Dropping a file into the folder is all it takes to add a set."""
    assert "NEW" not in load_catalog(folder).sets
    write_json(folder / "NEW.json", with_change(mtgjson_doc(), "data.code", "new"))
    assert "NEW" in load_catalog(folder).sets


def test_pure_catalog_without_yaml_decoder_lists_yaml_files(folder: Path) -> None:
    """The engine's own loader cannot read YAML; it says so for that file and loads the rest."""
    catalog = load_pure(folder)
    assert sorted(catalog.sets) == ["MYC", "TST"]
    assert [e.path.name for e in catalog.errors] == ["CUS.yaml"]


def test_only_checks_the_named_file_with_the_folder_as_lookup(folder: Path) -> None:
    """`only` reports just that file, while cubes still find cards in the folder's sets."""
    catalog = load_catalog(folder, only=[folder / "MyCube.txt"])
    assert sorted(catalog.sets) == ["MYC"] and catalog.errors == ()


def test_parse_cache_reuses_unchanged_files_and_rereads_changed_ones(folder: Path) -> None:
    """With a cache, an unchanged file gives the very same set; a changed one is parsed anew."""
    cache = ParseCache()
    first = load_catalog(folder, cache=cache)
    again = load_catalog(folder, cache=cache)
    assert all(again.sets[code] is first.sets[code] for code in first.sets)
    write_json(folder / "TST.json", with_change(mtgjson_doc(), "data.name", "Renamed Set"))
    third = load_catalog(folder, cache=cache)
    assert third.get("TST").name == "Renamed Set" and third.get("CUS") is first.get("CUS")
    assert third.get("MYC") is not first.get("MYC")  # a cube depends on the retail sets


def test_parse_cache_keeps_reporting_a_bad_file(folder: Path) -> None:
    """A cached failure is still listed on every load until the file is fixed."""
    cache = ParseCache()
    (folder / "BAD.txt").write_text("0 Opt\n", encoding="utf-8")
    assert len(load_catalog(folder, cache=cache).errors) == 1
    assert len(load_catalog(folder, cache=cache).errors) == 1
    (folder / "BAD.txt").write_text("# code: BAD\nCommon 1\n", encoding="utf-8")
    assert load_catalog(folder, cache=cache).errors == ()
