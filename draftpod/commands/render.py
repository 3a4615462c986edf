"""``draftpod render pack|cards|pool``: write the images players see, for a person to look at.

``render pack --set CODE [--seed S]`` opens one pack of a set the way a pod does and writes its
numbered image. ``render cards --set CODE NAME...`` writes the faces of named cards, to check a
custom set's cards before a pod sees them. ``render pool --log FILE`` reads an MTGO draft log
(either client's layout) and writes the owner's picks as a deck view; its cards are looked up by
name in every loaded set, the sets the log names first, and a card no set knows is still shown,
by name, in a column of its own. The image format follows the ``--out`` file's extension, else
``render.image_format``.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from draftpod.config import Config

if TYPE_CHECKING:
    from bot.draft.cards import Card, CardSet
    from bot.render import ImageFormat, Renderer

_FORMATS_BY_SUFFIX: dict[str, ImageFormat] = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".png": "png",
    ".webp": "webp",
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("render", help="write pack and pool images to look at")
    actions = parser.add_subparsers(dest="render_command", required=True, metavar="ACTION")
    pack = actions.add_parser("pack", help="open one pack of a set and write its numbered image")
    pack.add_argument("--set", dest="set_code", required=True, metavar="CODE", help="set code")
    pack.add_argument("--seed", type=int, help="seed of the pack (default: a random one, printed)")
    pack.add_argument("--out", type=Path, metavar="FILE", help="image file to write")
    pack.set_defaults(run=run)
    sheet = actions.add_parser("cards", help="write the faces of named cards of a set")
    sheet.add_argument("--set", dest="set_code", required=True, metavar="CODE", help="set code")
    sheet.add_argument("names", nargs="+", metavar="NAME", help="card names (up to 25)")
    sheet.add_argument("--out", type=Path, metavar="FILE", help="image file to write")
    sheet.set_defaults(run=run)
    pool = actions.add_parser("pool", help="write the picks of an MTGO draft log as a deck view")
    pool.add_argument("--log", type=Path, required=True, metavar="FILE", help="MTGO draft log")
    pool.add_argument("--out", type=Path, metavar="FILE", help="image file to write")
    pool.set_defaults(run=run)


def run(args: argparse.Namespace, config: Config) -> int:
    out: Path | None = args.out
    if out is not None and out.suffix.lower() not in _FORMATS_BY_SUFFIX:
        known = ", ".join(sorted(_FORMATS_BY_SUFFIX))
        print(f"draftpod: --out must end in one of {known}, not {out.name!r}", file=sys.stderr)
        return 2
    if args.render_command == "pack":
        return _pack(args.set_code, args.seed, out, config)
    if args.render_command == "cards":
        return _cards(args.set_code, args.names, out, config)
    return _pool(args.log, out, config)


def _renderer(config: Config, out: Path | None) -> Renderer:
    import dataclasses

    from bot.render import Renderer

    if out is not None:
        wanted = _FORMATS_BY_SUFFIX[out.suffix.lower()]
        config = dataclasses.replace(
            config, render=dataclasses.replace(config.render, image_format=wanted)
        )
    return Renderer.from_config(config)


def _catalog_sets(config: Config) -> Mapping[str, CardSet]:
    from bot.sets import load_catalog

    catalog = load_catalog(
        config.paths.sets_dir, max_file_bytes=config.sets.max_file_mb * 1024 * 1024
    )
    for error in catalog.errors:
        print(f"draftpod: skipped {error}", file=sys.stderr)
    return catalog.sets


def _find_set(sets: Mapping[str, CardSet], code: str, config: Config) -> CardSet | None:
    card_set = sets.get(code.strip().upper())
    if card_set is None:
        known = ", ".join(sorted(sets)) or "none"
        print(
            f"draftpod: no set {code!r} in {config.paths.sets_dir} (known: {known})",
            file=sys.stderr,
        )
    return card_set


def _pack(code: str, seed: int | None, out: Path | None, config: Config) -> int:
    from bot.draft.collation import open_packs
    from bot.draft.set_errors import SetError
    from bot.render import PackHeader, RenderError

    card_set = _find_set(_catalog_sets(config), code, config)
    if card_set is None:
        return 2
    chosen = seed if seed is not None else random.SystemRandom().randrange(2**31)
    try:
        pack = open_packs(card_set, 1, 1, random.Random(chosen))[0][0]
    except SetError as exc:
        print(f"draftpod: cannot open a pack of {card_set.code}: {exc}", file=sys.stderr)
        return 1
    with _renderer(config, out) as renderer:
        try:
            image = renderer.pack(pack, PackHeader(f"{card_set.code} seed {chosen}", 1, 1))
        except RenderError as exc:
            print(f"draftpod: {exc}", file=sys.stderr)
            return 1
    target = out or Path("out") / f"pack-{card_set.code}-{chosen}.{image.filename.rsplit('.')[-1]}"
    _write(target, image.data)
    print(f"{card_set.code} seed {chosen}: {len(pack)} cards")
    for number, card in enumerate(pack, start=1):
        print(f"  {number:2}. {card.name}")
    print(f"wrote {target} ({image.width}x{image.height} {image.format}, {len(image.data)} bytes)")
    return 0


def _cards(code: str, names: list[str], out: Path | None, config: Config) -> int:
    from bot.render import RenderError

    card_set = _find_set(_catalog_sets(config), code, config)
    if card_set is None:
        return 2
    cards, missing = resolve_names(names, [card_set])
    if missing:
        print(f"draftpod: not in {card_set.code}: {', '.join(missing)}", file=sys.stderr)
        return 2
    with _renderer(config, out) as renderer:
        try:
            image = renderer.cards_image(cards)
        except RenderError as exc:
            print(f"draftpod: {exc}", file=sys.stderr)
            return 2
    target = out or Path("out") / f"cards-{card_set.code}.{image.filename.rsplit('.')[-1]}"
    _write(target, image.data)
    print(f"wrote {target} ({image.width}x{image.height} {image.format}, {len(image.data)} bytes)")
    return 0


def _pool(log_path: Path, out: Path | None, config: Config) -> int:
    from bot.draft.errors import LogFormatError
    from bot.draft.mtgo_log import parse_mtgo_log

    try:
        text = log_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"draftpod: cannot read {log_path}: {exc}", file=sys.stderr)
        return 2
    try:
        log = parse_mtgo_log(text)
    except LogFormatError as exc:
        print(f"draftpod: {log_path}: {exc}", file=sys.stderr)
        return 2
    sets = _catalog_sets(config)
    names = [pick.card for pick in log.picks]
    cards, missing = resolve_names(names, _preferred(sets, log.headers))
    with _renderer(config, out) as renderer:
        image = renderer.pool(cards, log.owner)
    target = out or Path("out") / f"pool-{log_path.stem}.{image.filename.rsplit('.')[-1]}"
    _write(target, image.data)
    print(f"{log.owner}: {len(cards)} picks, {len(cards) - len(missing)} found in the loaded sets")
    if missing:
        print(f"not in any loaded set ({len(missing)}), shown by name: {', '.join(missing)}")
    print(f"wrote {target} ({image.width}x{image.height} {image.format}, {len(image.data)} bytes)")
    return 0


def _preferred(sets: Mapping[str, CardSet], headers: Sequence[str]) -> list[CardSet]:
    """Every set, those the log's headers name (by code or by name) first."""
    named = {header.strip().upper() for header in headers}
    named |= {header.split(":", 1)[-1].strip().upper() for header in headers}

    def rank(card_set: CardSet) -> int:
        return 0 if card_set.code.upper() in named or card_set.name.upper() in named else 1

    return sorted(sets.values(), key=rank)


def resolve_names(names: Iterable[str], sets: Sequence[CardSet]) -> tuple[list[Card], list[str]]:
    """Cards for names read from a log, in order; an unknown name becomes a name-only card."""
    from bot.draft.cards import Card, CardId, SetCode
    from bot.draft.mtgo_log import card_name_from_mtgo
    from bot.draft.setfiles.cube import CardIndex

    index = CardIndex()
    for card_set in sets:
        index.add_all(card_set.cards.values())
    cards: list[Card] = []
    missing: list[str] = []
    for name in names:
        found = index.find(name) or index.find(card_name_from_mtgo(name))
        if found is None:
            missing.append(name)
            found = Card(
                id=CardId(f"unknown:{name}"),
                name=name,
                set_code=SetCode("?"),
                number="",
                rarity="special",
            )
        cards.append(found)
    return cards, missing


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
