"""Fixtures of the renderer tests: a renderer whose sets folder and cache live in ``tmp_path``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.render import Renderer


def make_renderer(tmp_path: Path, **overrides: object) -> Renderer:
    """A renderer on a fresh sets folder and cache under ``tmp_path``."""
    settings: dict[str, object] = {
        "sets_dir": tmp_path / "sets",
        "cache_dir": tmp_path / "cache",
        "cache_max_bytes": 64 * 1024 * 1024,
        "memory_faces": 64,
        "max_image_pixels": 4_000_000,
        "workers": 2,
    }
    settings.update(overrides)
    return Renderer(**settings)  # type: ignore[arg-type]


@pytest.fixture
def renderer(tmp_path: Path) -> Iterator[Renderer]:
    with make_renderer(tmp_path) as made:
        yield made
