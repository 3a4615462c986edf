"""Card faces kept in memory (LRU) and on disk under a soft size limit.

Drawing a face takes milliseconds and a pod shows the same cards again and again, so faces are
kept decoded in memory, and as PNG files on disk so that a restart does not redraw them. The
disk folder is bounded by a soft limit: when a write takes it past the limit, the least
recently used files are deleted until it is back under nine tenths of it. "Used" is the file's
modification time, which a disk hit refreshes; access times are not trusted because most
file systems are mounted without them. Keys are hex digests (see :func:`face_key`), so a new
renderer version, card data or source image simply misses and the stale files age out.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

from PIL import Image

log = logging.getLogger(__name__)

_LOW_WATER = 0.9
_SUFFIX = ".png"
_TEMPORARY = ".tmp"
# A temporary file this old was left by a writer that died; newer ones may still be in use.
_STALE_TEMPORARY_NS = 3600 * 10**9


def face_key(*parts: object) -> str:
    """A cache key from everything a face depends on (renderer version, card, source image)."""
    digest = hashlib.sha256("\x1f".join(map(repr, parts)).encode("utf-8"))
    return digest.hexdigest()[:40]


class FaceCache:
    """Memory LRU in front of a bounded disk folder; safe to share between threads."""

    def __init__(self, folder: Path, max_bytes: int, memory_items: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.memory_items = memory_items
        self._memory: OrderedDict[str, Image.Image] = OrderedDict()
        self._lock = threading.Lock()
        self._disk_bytes: int | None = None
        self.hits = 0
        self.disk_hits = 0
        self.misses = 0

    def get(self, key: str) -> Image.Image | None:
        """The face stored under ``key``, from memory or disk, or None."""
        with self._lock:
            found = self._memory.get(key)
            if found is not None:
                self._memory.move_to_end(key)
                self.hits += 1
                return found
        path = self._path(key)
        try:
            with Image.open(path) as stored:
                stored.load()
                face = stored.convert("RGB")
            os.utime(path)
        except (OSError, ValueError, SyntaxError):
            with self._lock:
                self.misses += 1
            return None
        with self._lock:
            self.disk_hits += 1
        self._remember(key, face)
        return face

    def put(self, key: str, face: Image.Image) -> None:
        """Keep ``face`` in memory and on disk; trims the folder if it outgrew its limit."""
        self._remember(key, face)
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=_TEMPORARY)
            with os.fdopen(handle, "wb") as out:
                face.save(out, "PNG", compress_level=1)
            os.replace(temporary, path)
            size = path.stat().st_size
        except OSError as exc:
            log.warning("render cache: cannot write %s: %s", path, exc)
            return
        with self._lock:
            if self._disk_bytes is not None:
                self._disk_bytes += size
            over = self._disk_bytes is None or self._disk_bytes > self.max_bytes
        if over:
            self.trim()

    def disk_usage(self) -> int:
        """Bytes the cache's files take on disk now."""
        return sum(size for _, size, _ in self._files())

    def trim(self) -> int:
        """Delete least recently used files until the folder is under its limit; bytes freed."""
        files = sorted(self._files(), key=lambda item: item[2])
        total = sum(size for _, size, _ in files)
        freed = 0
        if total > self.max_bytes:
            target = self.max_bytes * _LOW_WATER
            for path, size, _ in files:
                if total - freed <= target:
                    break
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    log.warning("render cache: cannot delete %s: %s", path, exc)
                    continue
                freed += size
        with self._lock:
            self._disk_bytes = total - freed
        if freed:
            log.info("render cache: freed %d bytes, %d left", freed, total - freed)
        return freed

    def clear_memory(self) -> None:
        """Forget every face held in memory (the disk folder is kept)."""
        with self._lock:
            self._memory.clear()

    def _remember(self, key: str, face: Image.Image) -> None:
        if self.memory_items <= 0:
            return
        with self._lock:
            self._memory[key] = face
            self._memory.move_to_end(key)
            while len(self._memory) > self.memory_items:
                self._memory.popitem(last=False)

    @staticmethod
    def _remove_if_stale(entry: os.DirEntry[str]) -> None:
        try:
            if time.time_ns() - entry.stat().st_mtime_ns > _STALE_TEMPORARY_NS:
                os.unlink(entry.path)
        except OSError:
            pass

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{_SUFFIX}"

    def _files(self) -> list[tuple[Path, int, int]]:
        found: list[tuple[Path, int, int]] = []
        if not self.folder.is_dir():
            return found
        for shard in os.scandir(self.folder):
            if not shard.is_dir(follow_symlinks=False):
                continue
            for entry in os.scandir(shard.path):
                if entry.name.endswith(_TEMPORARY):
                    self._remove_if_stale(entry)
                    continue
                if not entry.name.endswith(_SUFFIX):
                    continue
                try:
                    stat = entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                found.append((Path(entry.path), stat.st_size, stat.st_mtime_ns))
        return found
