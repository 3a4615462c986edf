"""Card images from a set's folder: found by number or name, refused safely when unusable."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest
from PIL import Image

from bot.draft.cards import Card, SetCode
from bot.render import Renderer, draw_face, geometry
from bot.render.images import ImageLibrary
from tests.render import cards
from tests.render.conftest import make_renderer

PINK = (240, 20, 160)


def _images(tmp_path: Path, code: str = "NEO") -> Path:
    folder = tmp_path / "sets" / code / "images"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _scan(
    path: Path, size: tuple[int, int] = (488, 680), colour: tuple[int, int, int] = PINK
) -> None:
    Image.new("RGB", size, colour).save(path)


@pytest.mark.parametrize(
    ("filename", "card"),
    [
        pytest.param("195.png", cards.CREATURE, id="collector number"),
        pytest.param("0195.jpg", cards.CREATURE, id="zero-padded number"),
        pytest.param("Jukai Preserver.webp", cards.CREATURE, id="card name"),
        pytest.param("jukai-preserver.jpeg", cards.CREATURE, id="slug of the name"),
        pytest.param("Befriending the Moths.png", cards.TRANSFORM, id="front face name"),
        pytest.param(
            "Befriending the Moths -- Imperial Moth.png", cards.TRANSFORM, id="full two-face name"
        ),
    ],
)
def test_image_is_found(tmp_path: Path, filename: str, card: Card) -> None:
    """A set's image is found by collector number or by name, however the file spells it."""
    _scan(_images(tmp_path) / filename)
    assert ImageLibrary(tmp_path / "sets").find(card) == _images(tmp_path) / filename


def test_other_cards_and_files_are_not_matched(tmp_path: Path) -> None:
    """Images of other cards, and files that are not images, match nothing."""
    folder = _images(tmp_path)
    _scan(folder / "196.png")
    (folder / "195.txt").write_text("notes")
    assert ImageLibrary(tmp_path / "sets").find(cards.CREATURE) is None


def test_configured_folder_wins(tmp_path: Path) -> None:
    """A folder named for a set in the settings is used instead of the default place."""
    elsewhere = tmp_path / "art"
    elsewhere.mkdir()
    _scan(elsewhere / "195.png")
    library = ImageLibrary(tmp_path / "sets", {"neo": elsewhere})
    assert library.find(cards.CREATURE) == elsewhere / "195.png"


def test_a_folder_named_in_the_settings_is_used(tmp_path: Path) -> None:
    """``render.image_folders`` in a user's file: a relative folder is under ``sets_dir``, an
    absolute one is used as it is, and each set's image comes from its named folder, not from
    ``sets/<CODE>/images``."""
    from draftpod.config import load_config

    named, absolute = tmp_path / "sets" / "scans" / "neo", tmp_path / "elsewhere"
    for folder in (named, absolute):
        folder.mkdir(parents=True)
    _scan(named / "195.png")
    _scan(absolute / "1.png", colour=(20, 200, 60))
    _scan(_images(tmp_path) / "195.png", colour=(0, 0, 255))
    settings = tmp_path / "user.yaml"
    settings.write_text(f"render:\n  image_folders:\n    neo: scans/neo\n    AHC1: {absolute}\n")
    config = load_config(settings, root=tmp_path)
    assert dict(config.render.image_folders) == {"neo": Path("scans/neo"), "AHC1": absolute}
    with Renderer.from_config(config) as renderer:
        assert renderer.images.find(cards.CREATURE) == named / "195.png"
        assert renderer.face(cards.CREATURE).getpixel((150, 200)) == PINK
        assert renderer.images.folder("AHC1") == absolute


def test_new_images_are_picked_up(tmp_path: Path) -> None:
    """A file added to a folder already indexed is found on the next look-up."""
    library = ImageLibrary(tmp_path / "sets")
    folder = _images(tmp_path)
    assert library.find(cards.CREATURE) is None
    _scan(folder / "195.png")
    assert library.find(cards.CREATURE) == folder / "195.png"


def test_real_image_is_used_scaled(renderer: Renderer, tmp_path: Path) -> None:
    """With an image in the folder, the face is that image scaled to the face size."""
    _scan(_images(tmp_path) / "195.png", size=(976, 1360))
    face = renderer.face(cards.CREATURE)
    assert face.size == geometry.FACE_SIZE and face.mode == "RGB"
    assert face.getpixel((150, 200)) == PINK


def test_transparent_corners_become_black(renderer: Renderer, tmp_path: Path) -> None:
    """A scan with transparent rounded corners gets the black of a card's border there."""
    scan = Image.new("RGBA", (488, 680), (*PINK, 255))
    scan.putpixel((0, 0), (255, 255, 255, 0))
    scan.paste((255, 255, 255, 0), (0, 0, 40, 40))
    scan.save(_images(tmp_path) / "195.png")
    face = renderer.face(cards.CREATURE)
    assert face.getpixel((2, 2)) == (0, 0, 0)


def _bomb(path: Path, side: int) -> None:
    """A tiny file that claims ``side`` x ``side`` pixels: a decompression bomb."""
    Image.new("1", (side, side)).save(path)


@pytest.mark.parametrize(
    ("name", "write"),
    [
        pytest.param("195.png", lambda p: _bomb(p, 1_500), id="bomb over the limit"),
        pytest.param("195.png", lambda p: _bomb(p, 3_000), id="bomb over twice the limit"),
        pytest.param(
            "195.png", lambda p: p.write_text("<html>not an image</html>"), id="not an image"
        ),
        pytest.param(
            "195.jpg", lambda p: p.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 64), id="truncated"
        ),
    ],
)
def test_bad_image_falls_back_to_drawn_face(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, write: object
) -> None:
    """An unusable file in the images folder gives the drawn face and a warning, never a crash."""
    path = _images(tmp_path) / name
    assert callable(write)
    write(path)
    with make_renderer(tmp_path, max_image_pixels=2_000_000) as renderer:
        with caplog.at_level(logging.WARNING, logger="bot.render"):
            face = renderer.face(cards.CREATURE)
        assert face.tobytes() == draw_face(cards.CREATURE).tobytes()
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and name in warnings[0].getMessage()
        caplog.clear()
        renderer.cache.clear_memory()
        with caplog.at_level(logging.WARNING, logger="bot.render"):
            renderer.face(cards.CREATURE)
        assert not caplog.records, "the fallback is cached: the bad file is not read again"


def test_fixing_the_file_replaces_the_fallback(tmp_path: Path) -> None:
    """Replacing a bad file with a good one shows the good one (the file is part of the key)."""
    path = _images(tmp_path) / "195.png"
    path.write_text("not an image")
    with make_renderer(tmp_path) as renderer:
        renderer.face(cards.CREATURE)
        _scan(path)
        assert renderer.face(cards.CREATURE).getpixel((150, 200)) == PINK


def test_images_of_other_sets_are_separate(tmp_path: Path, renderer: Renderer) -> None:
    """Number 195 of another set is not this card's image."""
    _scan(_images(tmp_path, "VOW") / "195.png")
    other = dataclasses.replace(cards.CREATURE, set_code=SetCode("DPS"))
    assert renderer.images.find(cards.CREATURE) is None and renderer.images.find(other) is None
