"""Errors of the set side of the engine: reading set files, the catalog, and opening packs.

One base, :class:`SetError`, so a caller can turn any of them into one sentence for a user. Each
carries its data as attributes; ``str()`` is that sentence.
"""

from __future__ import annotations

from pathlib import Path


class SetError(Exception):
    """Base of every error about sets, set files, the catalog and collation."""


class SetFileError(SetError):
    """A set file that cannot be used.

    ``where`` locates the problem inside the file: ``"line 12"`` for line-based lists, a dotted key
    such as ``"data.booster.draft.sheets.foil.cards"`` for structured files, or ``""`` when the
    problem concerns the file as a whole (unreadable, too large, not JSON).
    """

    def __init__(self, path: Path | str, where: str, reason: str) -> None:
        self.path = Path(path)
        self.where = where
        self.reason = reason
        location = f"{self.path.name}: {where}" if where else self.path.name
        super().__init__(f"{location}: {reason}")


class UnknownSet(SetError):
    """A set code the catalog does not hold."""

    def __init__(self, code: str, known: tuple[str, ...]) -> None:
        self.code = code
        self.known = known
        listed = ", ".join(known) if known else "none"
        super().__init__(f"unknown set '{code}' (known sets: {listed})")


class CollationError(SetError):
    """Packs cannot be opened from this set as asked."""


class CubeTooSmall(CollationError):
    """A cube holds fewer cards than the pod needs, since cubes deal without replacement."""

    def __init__(self, code: str, needed: int, available: int) -> None:
        self.code = code
        self.needed = needed
        self.available = available
        super().__init__(
            f"cube {code} has {available} cards but the pod needs {needed}; "
            "use fewer seats, fewer packs or smaller packs"
        )
