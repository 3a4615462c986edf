"""A card's own image, from its set's images folder, opened with the decompression-bomb guard on.

A set may ship scans or renders in ``<sets_dir>/<CODE>/images/`` (or a folder its configuration
names), one file per card, named by collector number (``4.jpg``, ``004.png``) or by card name
(``Befriending the Moths.webp``, ``befriending-the-moths.png``). Folders are indexed once and
re-indexed when they change. Anything the folder holds is untrusted: a file that is not an image,
is truncated, or is larger than the configured pixel limit is refused with :class:`ImageRejected`
and the caller draws the face instead.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from bot.draft.cards import Card
from bot.render.errors import ImageRejected

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp"})
# Aspect ratios closer than this to a face's are cropped to fill it; others are letterboxed.
_CROP_TOLERANCE = 0.05


def normalise(text: str) -> str:
    """A file stem or card name reduced to lower-case letters and digits, accents removed."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _number_key(number: str) -> str:
    return "#" + (normalise(number).lstrip("0") or "0")


# A folder changed this recently before it was indexed may change again within the same tick
# of the file system's clock without its time moving, so its index is not trusted (as git does
# with "racily clean" entries).
_RACY_NS = 2_000_000_000


@dataclass(frozen=True, slots=True)
class _Index:
    stamp: int
    indexed_at: int
    files: Mapping[str, Path]

    def current(self, stamp: int) -> bool:
        return stamp == self.stamp and self.indexed_at - self.stamp > _RACY_NS


class ImageLibrary:
    """Finds card images in set folders; safe to share between threads."""

    def __init__(self, sets_dir: Path, folders: Mapping[str, Path] | None = None) -> None:
        self._sets_dir = sets_dir
        self._folders = {code.upper(): path for code, path in (folders or {}).items()}
        self._indexes: dict[Path, _Index] = {}
        self._candidates: dict[str, tuple[Path, ...]] = {}
        self._lock = threading.Lock()

    def folder(self, set_code: str) -> Path:
        """A set's images folder: the one configured for it, else ``<sets_dir>/<CODE>/images``."""
        candidates = self._candidates.get(set_code)
        if candidates is None:
            code = set_code.upper()
            if code in self._folders:
                candidates = (self._folders[code],)
            else:
                names = dict.fromkeys((code, code.lower(), set_code))
                candidates = tuple(self._sets_dir / name / "images" for name in names)
            self._candidates[set_code] = candidates
        for candidate in candidates:
            if candidate.is_dir():
                return candidate
        return candidates[0]

    def find(self, card: Card) -> Path | None:
        """The image file for ``card``: by collector number first, then by name."""
        files = self._index(self.folder(card.set_code))
        if not files:
            return None
        keys = [_number_key(card.number)] if card.number else []
        keys += [normalise(card.name), normalise(card.front_name)]
        for key in keys:
            if key and key in files:
                return files[key]
        return None

    def _index(self, folder: Path) -> Mapping[str, Path]:
        try:
            stamp = folder.stat().st_mtime_ns
        except OSError:
            return {}
        with self._lock:
            index = self._indexes.get(folder)
        if index is not None and index.current(stamp):
            return index.files
        indexed_at = time.time_ns()
        files: dict[str, Path] = {}
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
                continue
            stem = path.stem
            files.setdefault(normalise(stem), path)
            if re.fullmatch(r"\d+[a-z★]?", stem, flags=re.IGNORECASE):
                files.setdefault(_number_key(stem), path)
        with self._lock:
            self._indexes[folder] = _Index(stamp, indexed_at, files)
        return files


def guard_decompression_bombs(max_pixels: int) -> None:
    """Keep Pillow's decompression-bomb guard on at ``max_pixels`` and make its warning an error.

    Pillow only warns between one and two times ``MAX_IMAGE_PIXELS``; a warning does not stop a
    bomb from being decoded, so it is turned into an exception for the whole process.
    """
    Image.MAX_IMAGE_PIXELS = max_pixels
    warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


def load_image(path: Path, size: tuple[int, int], max_pixels: int) -> Image.Image:
    """The image at ``path`` as an RGB face of ``size``; :class:`ImageRejected` if unusable.

    The pixel count is checked from the header before anything is decoded; Pillow's own guard
    (see :func:`guard_decompression_bombs`) fails earlier still, while the file is opened.
    """
    try:
        with Image.open(path) as opened:
            if opened.width * opened.height > max_pixels:
                raise ImageRejected(
                    path, f"{opened.width}x{opened.height} is over the limit of {max_pixels} pixels"
                )
            # JPEG can decode at a fraction of full size, which makes large scans cheap.
            opened.draft("RGB", (size[0] * 2, size[1] * 2))
            opened.load()
            picture = _flatten(opened)
    except ImageRejected:
        raise
    except Image.DecompressionBombWarning as exc:
        raise ImageRejected(path, f"decompression bomb guard: {exc}") from exc
    except Image.DecompressionBombError as exc:
        raise ImageRejected(path, f"decompression bomb guard: {exc}") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ImageRejected(path, f"not a readable image: {exc}") from exc
    return _scale(picture, size)


def _flatten(picture: Image.Image) -> Image.Image:
    """RGB on black: transparent corners of card scans become the card's black border."""
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        rgba = picture.convert("RGBA")
        base = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        base.alpha_composite(rgba)
        return base.convert("RGB")
    return picture.convert("RGB")


def _scale(picture: Image.Image, size: tuple[int, int]) -> Image.Image:
    ratio = picture.width / picture.height
    wanted = size[0] / size[1]
    if abs(ratio / wanted - 1) <= _CROP_TOLERANCE:
        return ImageOps.fit(picture, size, Image.Resampling.LANCZOS)
    return ImageOps.pad(picture, size, Image.Resampling.LANCZOS, color=(0, 0, 0))
