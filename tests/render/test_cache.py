"""The face cache: memory LRU, disk files, the soft size limit, keys that change with the code."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from PIL import Image

from bot.render import Renderer
from bot.render.cache import FaceCache, face_key
from bot.render.renderer import renderer_digest
from tests.render import cards
from tests.render.conftest import make_renderer


def _face(shade: int) -> Image.Image:
    """A face-sized image of noise seeded by ``shade``, so that its PNG has a real size."""
    return Image.effect_noise((300, 419), 40 + shade).convert("RGB")


def _age(cache: FaceCache, key: str, seconds_ago: int) -> None:
    path = cache.folder / key[:2] / f"{key}.png"
    stamp = path.stat().st_mtime - seconds_ago
    os.utime(path, (stamp, stamp))


def test_memory_cache_keeps_the_most_recent_faces(tmp_path: Path) -> None:
    """Past its size the memory cache drops the least recently used face; disk still has it."""
    cache = FaceCache(tmp_path, max_bytes=1 << 30, memory_items=2)
    faces = {key: _face(n) for n, key in enumerate("abc")}
    for key, face in faces.items():
        cache.put(key * 8, face)
    assert cache.get("b" * 8) is faces["b"] and cache.get("c" * 8) is faces["c"]
    assert cache.hits == 2
    from_disk = cache.get("a" * 8)
    assert from_disk is not None and from_disk.tobytes() == faces["a"].tobytes()
    assert cache.disk_hits == 1


def test_disk_cache_evicts_to_under_its_limit(tmp_path: Path) -> None:
    """Writing past the soft limit deletes the least recently used files until under it."""
    probe = FaceCache(tmp_path / "probe", max_bytes=1 << 30, memory_items=0)
    probe.put("probe0000", _face(0))
    one = probe.disk_usage()
    cache = FaceCache(tmp_path / "cache", max_bytes=int(one * 4.5), memory_items=0)
    keys = [f"{n:02d}" * 4 for n in range(4)]
    for age, key in enumerate(keys):
        cache.put(key, _face(age))
        _age(cache, key, seconds_ago=100 - age)
    assert cache.get(keys[0]) is not None  # a disk hit makes the oldest file the newest
    cache.put("99999999", _face(9))
    cache.put("88888888", _face(8))
    assert cache.disk_usage() <= cache.max_bytes
    assert cache.get(keys[1]) is None and cache.get(keys[2]) is None
    assert cache.get(keys[0]) is not None and cache.get("88888888") is not None


def test_unreadable_cache_file_is_a_miss(tmp_path: Path) -> None:
    """A damaged file in the cache folder is treated as missing, not as an error."""
    cache = FaceCache(tmp_path, max_bytes=1 << 30, memory_items=0)
    cache.put("deadbeef", _face(1))
    (tmp_path / "de" / "deadbeef.png").write_bytes(b"not a png")
    assert cache.get("deadbeef") is None and cache.misses == 1


def test_key_changes_with_everything_a_face_depends_on() -> None:
    """Renderer digest, card data and source image each change the key."""
    base = face_key("digest", (300, 419), cards.CREATURE, None)
    edited = dataclasses.replace(cards.CREATURE, text="Trample")
    assert face_key("digest", (300, 419), cards.CREATURE, None) == base
    assert face_key("other", (300, 419), cards.CREATURE, None) != base
    assert face_key("digest", (300, 419), edited, None) != base
    assert face_key("digest", (300, 419), cards.CREATURE, ("4.png", 10, 1)) != base


def test_renderer_digest_follows_the_drawing_code() -> None:
    """The digest in every key is stable in one process and covers the face modules."""
    assert renderer_digest() == renderer_digest()
    assert len(renderer_digest()) == 16


def test_renderer_draws_once_then_hits(renderer: Renderer) -> None:
    """A second request for a face is a memory hit returning the same image."""
    first = renderer.face(cards.TRANSFORM)
    assert renderer.face(cards.TRANSFORM) is first
    assert renderer.cache.hits == 1


def test_restarted_renderer_reads_faces_from_disk(tmp_path: Path) -> None:
    """A new renderer on the same cache folder finds faces drawn before, without redrawing."""
    with make_renderer(tmp_path) as before:
        drawn = before.face(cards.SPLIT)
    with make_renderer(tmp_path) as after:
        again = after.face(cards.SPLIT)
        assert after.cache.disk_hits == 1
    assert again.tobytes() == drawn.tobytes()


def test_cache_folder_from_settings(tmp_path: Path) -> None:
    """An empty ``render.cache_dir`` puts the cache at ``var_dir/render_cache``."""
    from draftpod.config import load_config

    config = load_config(root=tmp_path)
    with Renderer.from_config(config) as renderer:
        assert renderer.cache.folder == tmp_path / "var" / "render_cache"
        assert renderer.cache.max_bytes == config.render.cache_max_mb * 1024 * 1024
        assert renderer.cache.memory_items == config.render.memory_cache_faces


def test_stale_temporary_files_are_swept(tmp_path: Path) -> None:
    """A half-written file left by a crash an hour ago goes at the next trim; a fresh one stays."""
    cache = FaceCache(tmp_path, max_bytes=1 << 30, memory_items=0)
    cache.put("abcdef01", _face(2))
    stale, fresh = tmp_path / "ab" / "old.tmp", tmp_path / "ab" / "new.tmp"
    for path in (stale, fresh):
        path.write_bytes(b"partial")
    hours_ago = stale.stat().st_mtime - 7200
    os.utime(stale, (hours_ago, hours_ago))
    cache.trim()
    assert not stale.exists() and fresh.exists()
