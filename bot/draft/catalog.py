"""The catalog: every set file in a folder, loaded, with the failures listed beside them.

Files are recognised by name, so a file dropped into the folder is picked up with no code change:

* ``<name>.json`` — an MTGJSON v5 set file;
* ``<name>.txt``, ``.dck``, ``.csv`` — a cube list, with card data from ``<name>.cards.json`` and
  from the MTGJSON sets of the same folder;
* ``<name>.yaml`` / ``.yml`` — a custom set (decoded by the caller's safe YAML decoder, since the
  engine imports no YAML library: use :func:`bot.sets.load_catalog` for the wired-up version);
* ``<name>.17lands.json`` / ``<name>.draftmancer.json`` — ratings for the set of that file name.

One bad file never hides the others: its :class:`SetFileError` lands in :attr:`Catalog.errors` and
loading goes on. Every file is size-checked before it is read.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.draft.cards import CardSet, Ratings
from bot.draft.set_errors import SetFileError, UnknownSet
from bot.draft.setfiles.cube import CardIndex, build_cube, parse_cube_cards
from bot.draft.setfiles.cubelist import parse_cube_csv, parse_cube_text
from bot.draft.setfiles.custom import parse_custom_set
from bot.draft.setfiles.mtgjson import booster_kinds, parse_mtgjson
from bot.draft.setfiles.ratings import for_names, parse_17lands, parse_draftmancer

DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024
YamlDecoder = Callable[[str], Any]

CUBE_SUFFIXES = frozenset({".txt", ".dck", ".csv"})
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
CARDS_SUFFIX = ".cards.json"
RATINGS_SUFFIXES: tuple[tuple[str, Callable[[Any, Path], Ratings]], ...] = (
    (".17lands.json", parse_17lands),
    (".draftmancer.json", parse_draftmancer),
)
COMPANION_SUFFIXES = (CARDS_SUFFIX, *(suffix for suffix, _ in RATINGS_SUFFIXES))
_CODE = re.compile(r"^[A-Z0-9]{1,24}$")


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """A loaded set and what was found about it, for ``draftpod sets check`` and ``/sets info``."""

    card_set: CardSet
    path: Path
    booster_kinds: tuple[str, ...] = ()
    ratings_file: Path | None = None


@dataclass(frozen=True, slots=True)
class Catalog:
    """Sets keyed by upper-case code, and the files that failed to load."""

    entries: Mapping[str, CatalogEntry]
    errors: tuple[SetFileError, ...] = ()

    @property
    def sets(self) -> dict[str, CardSet]:
        return {code: entry.card_set for code, entry in self.entries.items()}

    def get(self, code: str) -> CardSet:
        """The set with this code, any case; :class:`UnknownSet` otherwise."""
        entry = self.entries.get(code.strip().upper())
        if entry is None:
            raise UnknownSet(code, tuple(sorted(self.entries)))
        return entry.card_set


def load_catalog(
    sets_dir: Path,
    *,
    decode_yaml: YamlDecoder | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    only: Iterable[Path] | None = None,
) -> Catalog:
    """Load every set file in ``sets_dir`` (or just the files in ``only``, which may lie anywhere).

    MTGJSON sets of ``sets_dir`` are always read, since cubes look their card data up in them.
    """
    loader = _Loader(decode_yaml, max_file_bytes)
    folder = sorted(p for p in sets_dir.iterdir() if _is_set_file(p)) if sets_dir.is_dir() else []
    chosen = [Path(p) for p in only] if only is not None else folder
    retail = [p for p in folder if p.suffix.lower() == ".json"]
    retail += [p for p in chosen if p.suffix.lower() == ".json" and p not in retail]
    for path in retail:
        loader.load(path, lookup_only=path not in chosen)
    for path in chosen:
        if path.suffix.lower() != ".json":
            loader.load(path)
    return Catalog(entries=loader.entries, errors=tuple(loader.errors))


def _is_set_file(path: Path) -> bool:
    name = path.name.lower()
    if name.startswith(".") or not path.is_file() or name.endswith(COMPANION_SUFFIXES):
        return False
    return path.suffix.lower() in {".json", *CUBE_SUFFIXES, *YAML_SUFFIXES}


class _Loader:
    def __init__(self, decode_yaml: YamlDecoder | None, max_file_bytes: int) -> None:
        self.decode_yaml = decode_yaml
        self.max_file_bytes = max_file_bytes
        self.entries: dict[str, CatalogEntry] = {}
        self.errors: list[SetFileError] = []
        self._retail = CardIndex()

    def load(self, path: Path, *, lookup_only: bool = False) -> None:
        try:
            entry = self._entry(path)
        except SetFileError as exc:
            if not lookup_only:
                self.errors.append(exc)
            return
        if entry.card_set.kind == "retail":
            self._retail.add_all(entry.card_set.cards.values())
        if lookup_only:
            return
        code = entry.card_set.code
        if not _CODE.match(code):
            self.errors.append(
                SetFileError(path, "code", f"set code {code!r} is not 1–24 letters or digits")
            )
        elif code in self.entries:
            other = self.entries[code].path.name
            self.errors.append(
                SetFileError(path, "code", f"set code {code} is already used by {other}")
            )
        else:
            self.entries[code] = entry

    def _entry(self, path: Path) -> CatalogEntry:
        suffix = path.suffix.lower()
        kinds: tuple[str, ...] = ()
        if suffix == ".json":
            doc = self._json(path)
            card_set = parse_mtgjson(doc, path)
            kinds = booster_kinds(doc)
        elif suffix in YAML_SUFFIXES:
            if self.decode_yaml is None:
                raise SetFileError(
                    path, "", "custom sets need a YAML decoder (use bot.sets.load_catalog)"
                )
            card_set = parse_custom_set(self._yaml(path), path)
        elif suffix in CUBE_SUFFIXES:
            text = self._text(path)
            cube = parse_cube_csv(text, path) if suffix == ".csv" else parse_cube_text(text, path)
            lookups = [self._retail]
            cards_file = path.with_name(path.stem + CARDS_SUFFIX)
            if cards_file.is_file():
                lookups.insert(0, parse_cube_cards(self._json(cards_file), cards_file))
            card_set = build_cube(cube, path, lookups)
        else:
            raise SetFileError(path, "", f"not a set file type: {path.suffix!r}")
        ratings_file, ratings = self._ratings(path, card_set)
        if ratings is not None:
            card_set = dataclasses.replace(card_set, ratings=ratings)
        return CatalogEntry(card_set, path, kinds, ratings_file)

    def _ratings(self, path: Path, card_set: CardSet) -> tuple[Path | None, Ratings | None]:
        for suffix, parse in RATINGS_SUFFIXES:
            ratings_path = path.with_name(path.stem + suffix)
            if not ratings_path.is_file():
                continue
            try:
                ratings = parse(self._json(ratings_path), ratings_path)
            except SetFileError as exc:
                self.errors.append(exc)
                continue
            names = {card.name for card in card_set.cards.values()}
            return ratings_path, for_names(ratings, sorted(names))
        return None, None

    def _text(self, path: Path) -> str:
        try:
            size = path.stat().st_size
            if size > self.max_file_bytes:
                raise SetFileError(
                    path, "", f"file is {size} bytes, over the limit of {self.max_file_bytes}"
                )
            return path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise SetFileError(path, "", f"cannot read: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise SetFileError(path, f"byte {exc.start}", "not UTF-8 text") from exc

    def _json(self, path: Path) -> Any:
        text = self._text(path)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SetFileError(path, f"line {exc.lineno}", f"not valid JSON: {exc.msg}") from exc
        except RecursionError as exc:
            raise SetFileError(path, "", "JSON nested too deeply") from exc

    def _yaml(self, path: Path) -> Any:
        assert self.decode_yaml is not None
        text = self._text(path)
        try:
            return self.decode_yaml(text)
        except SetFileError:
            raise
        except ValueError as exc:
            raise SetFileError(path, "", f"not valid YAML: {exc}") from exc
