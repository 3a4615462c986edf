"""The renderer's errors: one base, each carrying what went wrong and where."""

from __future__ import annotations

from pathlib import Path


class RenderError(Exception):
    """Base of every error the renderer raises."""


class ImageRejected(RenderError):
    """An image in a set's folder that cannot be used; the card's face is drawn instead."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class TooManyCards(RenderError):
    """More cards than an image has room for (a pack holds 15 at most, a pool 45 or so)."""

    def __init__(self, what: str, count: int, limit: int) -> None:
        super().__init__(f"a {what} image holds at most {limit} cards, not {count}")
        self.what = what
        self.count = count
        self.limit = limit


class BadRenderSetting(RenderError):
    """A ``render`` setting outside what the renderer can work with."""

    def __init__(self, key: str, value: object, expected: str) -> None:
        super().__init__(f"render.{key} must be {expected}, not {value!r}")
        self.key = key
        self.value = value
