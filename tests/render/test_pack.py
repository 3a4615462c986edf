"""The pack image: written to a file, opened again, every card numbered at its cell."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from bot.draft.cards import Card
from bot.draft.collation import open_packs
from bot.render import (
    MAX_PACK_CARDS,
    BadRenderSetting,
    PackHeader,
    Renderer,
    TooManyCards,
    geometry,
)
from bot.render.pack import BADGE_FILL, badge, badge_centre, cell_origin, pack_size
from bot.sets import load_catalog
from tests.render import cards
from tests.render.conftest import make_renderer

SETS_DIR = Path(__file__).resolve().parents[2] / "sets"
LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def neo_pack() -> tuple[Card, ...]:
    card_set = load_catalog(SETS_DIR, only=[SETS_DIR / "NEO.json"]).get("NEO")
    return open_packs(card_set, 1, 1, random.Random(3))[0][0]


def _written(tmp_path: Path, renderer: Renderer, pack: tuple[Card, ...]) -> Image.Image:
    image = renderer.pack(pack, PackHeader("Pod 1", 1, 1))
    path = tmp_path / image.filename
    path.write_bytes(image.data)
    opened = Image.open(path)
    opened.load()
    return opened


def _badge_distance(image: Image.Image, index: int, number: int) -> float:
    """Mean difference between the badge drawn at ``index`` and the badge of ``number``."""
    reference = badge(number)
    x, y = badge_centre(index)
    radius = geometry.BADGE_DIAMETER // 2
    crop = image.crop((x - radius, y - radius, x + radius, y + radius)).convert("RGB")
    solid = reference.getchannel("A").point(lambda a: 255 if a == 255 else 0)
    difference = ImageChops.difference(crop, reference.convert("RGB"))
    return sum(ImageStat.Stat(difference, mask=solid).mean) / 3


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
def test_pack_image_file(tmp_path: Path, neo_pack: tuple[Card, ...], fmt: str) -> None:
    """A 15-card pack is one file of the chosen format, RGB, of the grid's size, under 1 MB."""
    with make_renderer(tmp_path, image_format=fmt) as renderer:
        image = _written(tmp_path, renderer, neo_pack)
    assert len(neo_pack) == 15
    assert image.format == {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[fmt]
    assert image.mode == "RGB"
    assert image.size == pack_size(15) == (1580, 1353)
    assert (tmp_path / f"pack-1-pick-1.{'jpg' if fmt == 'jpeg' else fmt}").stat().st_size < LIMIT


def test_every_badge_number_is_at_its_cell(tmp_path: Path, neo_pack: tuple[Card, ...]) -> None:
    """Reading each cell's badge back gives its number: 1..15 left to right, top to bottom."""
    with make_renderer(tmp_path) as renderer:
        image = _written(tmp_path, renderer, neo_pack)
    for index in range(len(neo_pack)):
        distances = {n: _badge_distance(image, index, n) for n in range(1, 16)}
        assert min(distances, key=distances.__getitem__) == index + 1, distances
        assert distances[index + 1] < 6


def test_badges_have_the_badge_colour(tmp_path: Path, neo_pack: tuple[Card, ...]) -> None:
    """Inside each badge's ring, above its number, the pixels are the badge's yellow."""
    with make_renderer(tmp_path) as renderer:
        image = _written(tmp_path, renderer, neo_pack)
    for index in range(len(neo_pack)):
        x, y = badge_centre(index)
        pixel = image.getpixel((x, y - geometry.BADGE_DIAMETER // 2 + 8))
        assert isinstance(pixel, tuple)
        assert all(abs(a - b) < 24 for a, b in zip(pixel, BADGE_FILL, strict=True)), (index, pixel)


def test_each_cell_shows_its_own_card(tmp_path: Path, neo_pack: tuple[Card, ...]) -> None:
    """The cells of a pack of fifteen different cards are fifteen different pictures."""
    with make_renderer(tmp_path) as renderer:
        image = _written(tmp_path, renderer, neo_pack)
    assert len({card.id for card in neo_pack}) == 15
    cells = []
    for index in range(15):
        x, y = cell_origin(index)
        cells.append(image.crop((x, y, x + geometry.FACE_WIDTH, y + geometry.FACE_HEIGHT)))
    for i in range(15):
        for j in range(i + 1, 15):
            difference = ImageStat.Stat(ImageChops.difference(cells[i], cells[j])).mean
            assert sum(difference) > 15, (i, j)


@pytest.mark.parametrize(
    ("count", "size"),
    [
        pytest.param(1, (956, 491), id="last pick: three columns wide"),
        pytest.param(5, (1580, 491), id="one full row"),
        pytest.param(6, (1580, 922), id="second row begun"),
        pytest.param(14, (1580, 1353), id="fourteen"),
        pytest.param(15, (1580, 1353), id="fifteen"),
    ],
)
def test_pack_image_size(renderer: Renderer, count: int, size: tuple[int, int]) -> None:
    """The grid is five cards wide and grows a row per five cards."""
    pack = tuple(list(cards.ALL.values()) * 2)[:count]
    image = renderer.pack(pack, PackHeader("Pod 2", 2, 16 - count))
    assert (image.width, image.height) == size == pack_size(count)
    assert Image.open(io.BytesIO(image.data)).size == size


def test_too_many_cards_is_refused(renderer: Renderer) -> None:
    """More cards than a pick menu can offer is a typed error, not a giant image."""
    with pytest.raises(TooManyCards) as caught:
        renderer.pack((cards.CREATURE,) * (MAX_PACK_CARDS + 1), PackHeader("Pod 3", 1, 1))
    assert caught.value.count == MAX_PACK_CARDS + 1
    with pytest.raises(TooManyCards):
        renderer.cards_image((cards.CREATURE,) * (MAX_PACK_CARDS + 1))


def test_card_sheet_has_no_badges(renderer: Renderer) -> None:
    """A sheet of faces shows the faces as drawn: no number badge covers any of them."""
    sheet = Image.open(io.BytesIO(renderer.cards_image([cards.GOLD, cards.SPLIT]).data))
    assert sheet.size == (2 * 16 + 2 * geometry.FACE_WIDTH + 12, 2 * 16 + geometry.FACE_HEIGHT)
    x, y = 16 + geometry.BADGE_CENTRE[0], 16 + geometry.BADGE_CENTRE[1] - 24
    pixel = sheet.getpixel((x, y))
    assert isinstance(pixel, tuple)
    assert not all(abs(a - b) < 24 for a, b in zip(pixel, BADGE_FILL, strict=True))


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        pytest.param("image_format", "gif", id="unknown format"),
        pytest.param("image_quality", 0, id="quality too low"),
        pytest.param("image_quality", 100, id="quality too high"),
        pytest.param("workers", 0, id="no worker threads"),
        pytest.param("memory_faces", -1, id="negative memory cache"),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, setting: str, value: object) -> None:
    """A renderer is not built on settings it cannot work with; the error names the key."""
    with pytest.raises(BadRenderSetting) as caught:
        make_renderer(tmp_path, **{setting: value})
    assert str(value) in str(caught.value)
