"""Images to bytes for upload: the format and quality the bot sends.

JPEG at quality 88 with full-resolution colour (no chroma subsampling, which smears coloured
text) is the default, chosen by measurement (docs/render.md): for a 15-card pack it encodes in
about a tenth of the time of PNG and, unlike PNG, stays well under 1 MB when faces are real card
scans. PNG and WebP remain available from the settings.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

from PIL import Image

ImageFormat = Literal["jpeg", "png", "webp"]
IMAGE_FORMATS: tuple[ImageFormat, ...] = ("jpeg", "png", "webp")
_SUFFIXES: dict[ImageFormat, str] = {"jpeg": "jpg", "png": "png", "webp": "webp"}
_MEDIA_TYPES: dict[ImageFormat, str] = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}


@dataclass(frozen=True, slots=True)
class RenderedImage:
    """An encoded image ready to upload: ``filename`` carries the right extension."""

    data: bytes
    format: ImageFormat
    width: int
    height: int
    filename: str

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self.format]

    def __repr__(self) -> str:
        return (
            f"RenderedImage({self.filename!r}, {self.format}, {self.width}x{self.height}, "
            f"{len(self.data)} bytes)"
        )


def encode(image: Image.Image, stem: str, fmt: ImageFormat, quality: int) -> RenderedImage:
    """``image`` encoded as ``fmt``; ``quality`` applies to JPEG and WebP."""
    out = io.BytesIO()
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    if fmt == "jpeg":
        rgb.save(out, "JPEG", quality=quality, subsampling=0, optimize=False)
    elif fmt == "png":
        rgb.save(out, "PNG", compress_level=6)
    elif fmt == "webp":
        rgb.save(out, "WEBP", quality=quality, method=4)
    else:
        raise ValueError(f"unknown image format {fmt!r}")
    return RenderedImage(out.getvalue(), fmt, rgb.width, rgb.height, f"{stem}.{_SUFFIXES[fmt]}")
