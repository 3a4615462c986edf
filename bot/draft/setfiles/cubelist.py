"""Cube lists as people write them: plain names, counts, CubeCobra exports, XMage decks.

One parser for the line-based forms, because they are one family:

* ``Name`` or ``N Name`` / ``Nx Name`` (a count), blank lines and ``# section`` comments ignored;
* CubeCobra's plain-text export, where ``# mainboard`` and ``# maybeboard`` switch sections and the
  maybeboard is not part of the cube;
* XMage ``.dck``: ``NAME:`` and ``AUTHOR:`` headers, ``1 [SET:NUM] Name`` lines (the printing is
  kept as a hint), ``SB:`` lines treated like a maybeboard, ``LAYOUT`` lines ignored.

A leading comment of the form ``# code: AHC1``, ``# name: ...`` or ``# pack_size: 15`` (before any
card) sets the cube's metadata. CubeCobra's CSV export has its own parser, :func:`parse_cube_csv`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from bot.draft.set_errors import SetFileError
from bot.draft.setfiles._fields import canonical_name

_COUNTED = re.compile(r"^(\d+)x?\s+(.+)$", re.IGNORECASE)
_PRINTING = re.compile(r"^\[([A-Za-z0-9_]+):([^\]]*)\]\s*(.+)$")
_META = re.compile(r"^#\s*(code|name|pack_size)\s*:\s*(.+)$", re.IGNORECASE)
_MAX_COPIES = 99


@dataclass(frozen=True, slots=True)
class CubeEntry:
    """One line of a cube list: a card name (as MTGJSON spells it) and how many copies."""

    name: str
    count: int
    line: int
    printing: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class CubeList:
    """A parsed cube list, before card data is looked up."""

    entries: tuple[CubeEntry, ...]
    name: str | None = None
    code: str | None = None
    pack_size: int | None = None

    @property
    def size(self) -> int:
        return sum(entry.count for entry in self.entries)


def parse_cube_text(text: str, source: Path) -> CubeList:
    """Parse a line-based cube list (plain, counted, CubeCobra text or XMage ``.dck``)."""
    entries: list[CubeEntry] = []
    meta: dict[str, str] = {}
    included = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        lowered = line.lower()
        if line.startswith("#") or line.startswith("//"):
            section = lowered.lstrip("#/ ").strip()
            if section in {"mainboard", "main", "maindeck"}:
                included = True
            elif section in {"maybeboard", "maybe", "sideboard"}:
                included = False
            elif not entries and (found := _META.match(line)):
                meta[found.group(1).lower()] = found.group(2).strip()
            continue
        if lowered.startswith(("name:", "author:")):
            if lowered.startswith("name:"):
                meta.setdefault("name", line[5:].strip())
            continue
        if lowered.startswith("layout ") or lowered.startswith("sb:"):
            continue
        if included:
            entries.append(_entry(line, number, source))
    if not entries:
        raise SetFileError(source, "", "no cards in the cube list")
    return CubeList(
        entries=tuple(entries),
        name=meta.get("name"),
        code=meta.get("code"),
        pack_size=_pack_size(meta.get("pack_size"), source),
    )


def parse_cube_csv(text: str, source: Path) -> CubeList:
    """Parse CubeCobra's CSV export: a ``Name`` column; rows marked as maybeboard are left out."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {name.strip().lower(): name for name in reader.fieldnames or ()}
    if "name" not in columns:
        raise SetFileError(source, "line 1", "no 'Name' column in the CSV header")
    maybe = columns.get("maybeboard")
    entries: list[CubeEntry] = []
    for row in reader:
        line = reader.line_num
        if maybe and str(row.get(maybe) or "").strip().lower() in {"true", "1", "yes"}:
            continue
        name = str(row.get(columns["name"]) or "").strip()
        if not name:
            raise SetFileError(source, f"line {line}", "empty card name")
        entries.append(_named(name, 1, line, None, source))
    if not entries:
        raise SetFileError(source, "", "no cards in the cube list")
    return CubeList(entries=tuple(entries))


def _entry(line: str, number: int, source: Path) -> CubeEntry:
    count = 1
    if found := _COUNTED.match(line):
        count, line = int(found.group(1)), found.group(2).strip()
    printing = None
    if found := _PRINTING.match(line):
        printing = (found.group(1).upper(), found.group(2))
        line = found.group(3).strip()
    return _named(line, count, number, printing, source)


def _named(
    name: str, count: int, number: int, printing: tuple[str, str] | None, source: Path
) -> CubeEntry:
    where = f"line {number}"
    if not 1 <= count <= _MAX_COPIES:
        raise SetFileError(source, where, f"count must be between 1 and {_MAX_COPIES}, not {count}")
    canonical = canonical_name(name)
    if not all(part.strip() for part in canonical.split("//")):
        raise SetFileError(source, where, f"not a card name: {name!r}")
    return CubeEntry(name=canonical, count=count, line=number, printing=printing)


def _pack_size(value: str | None, source: Path) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 30:
        raise SetFileError(
            source, "pack_size", f"must be a whole number from 1 to 30, not {value!r}"
        )
    return int(value)
