"""The renderer's front door: faces through the cache, pack and pool images, sync and async.

The synchronous methods do the work and are safe to call from several threads at once. The
``*_async`` methods run them in the renderer's own thread pool, so that the bot's event loop
never waits on Pillow; Pillow releases the GIL while it resizes, pastes and encodes.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from PIL import Image

from bot.draft.cards import Card
from bot.render import geometry
from bot.render.cache import FaceCache, face_key
from bot.render.encode import IMAGE_FORMATS, ImageFormat, RenderedImage, encode
from bot.render.errors import BadRenderSetting, ImageRejected, TooManyCards
from bot.render.face import draw_face
from bot.render.images import ImageLibrary, guard_decompression_bombs, load_image
from bot.render.pack import MAX_PACK_CARDS, PackHeader, compose_cards, compose_pack
from bot.render.pool import compose_pool
from draftpod.config import Config

log = logging.getLogger(__name__)

# Part of every cache key, with a digest of the code that draws faces, so that a face drawn by
# an older renderer is never shown again and ages out of the disk cache. Bump it for a change
# the digest cannot see (a new Pillow that draws differently, say).
RENDERER_VERSION = 1
_FACE_MODULES = ("face", "fonts", "geometry", "images", "palette", "symbols", "text")


@functools.cache
def renderer_digest() -> str:
    """A digest of the renderer's face-drawing source: any edit to it changes every cache key."""
    digest = hashlib.sha256(str(RENDERER_VERSION).encode())
    for name in _FACE_MODULES:
        digest.update((Path(__file__).parent / f"{name}.py").read_bytes())
    return digest.hexdigest()[:16]


T = TypeVar("T")


def _check(ok: bool, key: str, value: object, expected: str) -> None:
    if not ok:
        raise BadRenderSetting(key, value, expected)


class Renderer:
    """Card faces, pack images and pool images, with faces cached in memory and on disk."""

    def __init__(
        self,
        *,
        sets_dir: Path,
        cache_dir: Path,
        cache_max_bytes: int,
        memory_faces: int,
        max_image_pixels: int,
        image_format: ImageFormat = "jpeg",
        image_quality: int = 88,
        workers: int = 2,
        image_folders: Mapping[str, Path] | None = None,
    ) -> None:
        _check(image_format in IMAGE_FORMATS, "image_format", image_format, "jpeg, png or webp")
        _check(1 <= image_quality <= 95, "image_quality", image_quality, "1..95")
        _check(workers >= 1, "workers", workers, "at least 1")
        _check(cache_max_bytes >= 0, "cache_max_mb", cache_max_bytes, "0 or more")
        _check(memory_faces >= 0, "memory_cache_faces", memory_faces, "0 or more")
        _check(max_image_pixels >= 1, "max_image_pixels", max_image_pixels, "at least 1")
        guard_decompression_bombs(max_image_pixels)
        self.images = ImageLibrary(sets_dir, image_folders)
        self.cache = FaceCache(cache_dir, cache_max_bytes, memory_faces)
        self.max_image_pixels = max_image_pixels
        self.image_format: ImageFormat = image_format
        self.image_quality = image_quality
        self._workers = workers
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()

    @classmethod
    def from_config(
        cls, config: Config, *, image_folders: Mapping[str, Path] | None = None
    ) -> Renderer:
        """A renderer on the ``render`` settings; a relative ``cache_dir`` is under ``var_dir``.

        The image folders are ``render.image_folders``, a relative one under ``sets_dir``; an
        entry of ``image_folders`` wins over the setting's for the same set code.
        """
        settings = config.render
        cache_dir = config.paths.var_dir / (settings.cache_dir or "render_cache")
        folders = {
            code.upper(): config.paths.sets_dir / folder
            for code, folder in settings.image_folders.items()
        }
        folders.update({code.upper(): folder for code, folder in (image_folders or {}).items()})
        return cls(
            sets_dir=config.paths.sets_dir,
            cache_dir=cache_dir,
            cache_max_bytes=settings.cache_max_mb * 1024 * 1024,
            memory_faces=settings.memory_cache_faces,
            max_image_pixels=settings.max_image_pixels,
            image_format=settings.image_format,
            image_quality=settings.image_quality,
            workers=settings.workers,
            image_folders=folders,
        )

    def face(self, card: Card) -> Image.Image:
        """The face of ``card``: its own image when its set has one, else a drawn face."""
        source = self.images.find(card)
        fingerprint: tuple[str, int, int] | None = None
        if source is not None:
            try:
                stat = source.stat()
                fingerprint = (source.name, stat.st_size, stat.st_mtime_ns)
            except OSError:
                source = None
        key = face_key(renderer_digest(), geometry.FACE_SIZE, card, fingerprint)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        face: Image.Image | None = None
        if source is not None:
            try:
                face = load_image(source, geometry.FACE_SIZE, self.max_image_pixels)
            except ImageRejected as exc:
                log.warning(
                    "card image for %s refused, drawing its face instead: %s", card.name, exc
                )
        if face is None:
            face = draw_face(card)
        self.cache.put(key, face)
        return face

    def card_image(self, card: Card) -> RenderedImage:
        """One card's face, encoded for upload."""
        return encode(
            self.face(card),
            f"card-{card.set_code}-{card.number}",
            self.image_format,
            self.image_quality,
        )

    def cards_image(self, cards: Sequence[Card]) -> RenderedImage:
        """Several faces in a grid, unnumbered: for ``/sets info`` or previewing a set's cards."""
        if len(cards) > MAX_PACK_CARDS:
            raise TooManyCards("card sheet", len(cards), MAX_PACK_CARDS)
        image = compose_cards([self.face(card) for card in cards])
        return encode(image, "cards", self.image_format, self.image_quality)

    def pack(self, cards: Sequence[Card], header: PackHeader) -> RenderedImage:
        """The numbered image of a pack, cards in pack order (badge ``n`` is ``cards[n-1]``)."""
        image = compose_pack([self.face(card) for card in cards], header)
        stem = f"pack-{header.pack_no}-pick-{header.pick_no}"
        return encode(image, stem, self.image_format, self.image_quality)

    def pool(self, cards: Sequence[Card], title: str = "") -> RenderedImage:
        """The deck-view image of a player's picks."""
        image = compose_pool([(card, self.face(card)) for card in cards], title)
        return encode(image, "pool", self.image_format, self.image_quality)

    async def face_async(self, card: Card) -> Image.Image:
        """:meth:`face`, off the event loop."""
        return await self._run(self.face, card)

    async def card_image_async(self, card: Card) -> RenderedImage:
        """:meth:`card_image`, off the event loop."""
        return await self._run(self.card_image, card)

    async def cards_image_async(self, cards: Sequence[Card]) -> RenderedImage:
        """:meth:`cards_image`, off the event loop."""
        return await self._run(self.cards_image, tuple(cards))

    async def pack_async(self, cards: Sequence[Card], header: PackHeader) -> RenderedImage:
        """:meth:`pack`, off the event loop."""
        return await self._run(self.pack, tuple(cards), header)

    async def pool_async(self, cards: Sequence[Card], title: str = "") -> RenderedImage:
        """:meth:`pool`, off the event loop."""
        return await self._run(self.pool, tuple(cards), title)

    async def _run(self, function: Callable[..., T], *args: object) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool(), functools.partial(function, *args))

    def _pool(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self._workers, thread_name_prefix="draftpod-render"
                )
            return self._executor

    def close(self) -> None:
        """Stop the worker threads once the renders they are doing are done."""
        with self._executor_lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def __enter__(self) -> Renderer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
