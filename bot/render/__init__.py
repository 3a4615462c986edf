"""The renderer: what players see of every pack and pool, drawn with Pillow.

Use one :class:`Renderer` per process (``Renderer.from_config(config)``): ``pack``/``pool``/
``card_image`` return a :class:`RenderedImage` (bytes, format, filename) ready to upload, and
their ``*_async`` twins run the same work in the renderer's thread pool. Nothing here knows
Discord; the card model comes from :mod:`bot.draft.cards`.
"""

from bot.render.encode import IMAGE_FORMATS, ImageFormat, RenderedImage
from bot.render.errors import BadRenderSetting, ImageRejected, RenderError, TooManyCards
from bot.render.face import draw_face
from bot.render.pack import MAX_PACK_CARDS, PackHeader
from bot.render.renderer import RENDERER_VERSION, Renderer

__all__ = [
    "IMAGE_FORMATS",
    "MAX_PACK_CARDS",
    "RENDERER_VERSION",
    "BadRenderSetting",
    "ImageFormat",
    "ImageRejected",
    "PackHeader",
    "RenderError",
    "RenderedImage",
    "Renderer",
    "TooManyCards",
    "draw_face",
]
