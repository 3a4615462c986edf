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
    """Sets keyed by upper-case code, what was found about each, and the files that failed."""

    sets: Mapping[str, CardSet]
    entries: Mapping[str, CatalogEntry]
    errors: tuple[SetFileError, ...] = ()

    def get(self, code: str) -> CardSet:
        """The set with this code, any case; :class:`UnknownSet` otherwise."""
        found = self.sets.get(code.strip().upper())
        if found is None:
            raise UnknownSet(code, tuple(sorted(self.sets)))
        return found


def load_catalog(
    sets_dir: Path,
    *,
    decode_yaml: YamlDecoder | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    only: Iterable[Path] | None = None,
    cache: ParseCache | None = None,
) -> Catalog:
    """Load every set file in ``sets_dir`` (or just the files in ``only``, which may lie anywhere).

    MTGJSON sets of ``sets_dir`` are always read, since cubes look their card data up in them.
    ``decode_yaml`` turns YAML text into data, raising ValueError on bad input; ``cache`` reuses
    what an earlier load parsed from files that have not changed since.
    """
    loader = _Loader(decode_yaml, max_file_bytes, cache)
    folder = sorted(p for p in sets_dir.iterdir() if _is_set_file(p)) if sets_dir.is_dir() else []
    chosen = [Path(p) for p in only] if only is not None else folder
    retail = [p for p in folder if p.suffix.lower() == ".json"]
    retail += [p for p in chosen if p.suffix.lower() == ".json" and p not in retail]
    for path in retail:
        loader.load(path, lookup_only=path not in chosen)
    for path in chosen:
        if path.suffix.lower() != ".json":
            loader.load(path)
    return Catalog(
        sets={code: entry.card_set for code, entry in loader.entries.items()},
        entries=loader.entries,
        errors=tuple(loader.errors),
    )


def _is_set_file(path: Path) -> bool:
    name = path.name.lower()
    if name.startswith(".") or not path.is_file() or name.endswith(COMPANION_SUFFIXES):
        return False
    return path.suffix.lower() in {".json", *CUBE_SUFFIXES, *YAML_SUFFIXES}


Signature = tuple[tuple[str, int, int], ...]
_Parsed = tuple[CatalogEntry | None, tuple[SetFileError, ...]]


class ParseCache:
    """Files parsed by earlier loads, reused while they and what they depend on are unchanged.

    A reload of an unchanged folder then costs a ``stat`` per file. Held by the caller (the bot
    keeps one for ``/sets reload``) rather than hidden in a module global, so tests and commands
    that want a fresh read simply pass none. A file's signature covers its companions (card data,
    ratings) and, for cubes, the folder's MTGJSON files, in which cubes look their cards up.
    """

    def __init__(self) -> None:
        self._parsed: dict[Path, tuple[Signature, _Parsed]] = {}

    def get(self, path: Path, signature: Signature) -> _Parsed | None:
        found = self._parsed.get(path)
        return found[1] if found is not None and found[0] == signature else None

    def put(self, path: Path, signature: Signature, parsed: _Parsed) -> None:
        self._parsed[path] = (signature, parsed)

    def __len__(self) -> int:
        return len(self._parsed)


def _signature(paths: Iterable[Path]) -> Signature:
    found = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


class _Loader:
    def __init__(
        self, decode_yaml: YamlDecoder | None, max_file_bytes: int, cache: ParseCache | None
    ) -> None:
        self.decode_yaml = decode_yaml
        self.max_file_bytes = max_file_bytes
        self.cache = cache
        self.entries: dict[str, CatalogEntry] = {}
        self.errors: list[SetFileError] = []
        self._retail = CardIndex()
        self._retail_files: list[Path] = []
        self._found_errors: list[SetFileError] = []

    def _parsed(self, path: Path) -> _Parsed:
        deps = [path, *(path.with_name(path.stem + suffix) for suffix in COMPANION_SUFFIXES)]
        if path.suffix.lower() in CUBE_SUFFIXES:
            deps += self._retail_files
        settings = ("", self.max_file_bytes, int(self.decode_yaml is not None))
        signature: Signature = (settings, *_signature(deps))
        cached = self.cache.get(path, signature) if self.cache is not None else None
        if cached is not None:
            return cached
        self._found_errors = []
        try:
            parsed: _Parsed = (self._entry(path), tuple(self._found_errors))
        except SetFileError as exc:
            parsed = (None, (exc, *self._found_errors))
        if self.cache is not None:
            self.cache.put(path, signature, parsed)
        return parsed

    def load(self, path: Path, *, lookup_only: bool = False) -> None:
        entry, errors = self._parsed(path)
        if not lookup_only:
            self.errors.extend(errors)
        if entry is None:
            return
        if entry.card_set.kind == "retail":
            self._retail_files.append(path)
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
                self._found_errors.append(exc)
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
        except RecursionError as exc:
            raise SetFileError(path, "", "YAML nested too deeply") from exc
