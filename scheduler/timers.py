"""Pick timer policies: how long a seat has for a pick, as pure functions of the pack.

A pod carries one :class:`TimerPolicy`. The scheduler asks :func:`pick_seconds` for the limit of
each pick from the number of cards left in the pack the seat is looking at, and
:func:`warning_offset` for when to warn. Nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

TimerKind = Literal["fixed", "scaled", "mtr", "none"]
TIMER_KINDS: tuple[str, ...] = get_args(TimerKind)

# Magic Tournament Rules, booster draft pick times in seconds, by cards left in the pack (15 .. 1).
MTR_SECONDS: tuple[int, ...] = (40, 40, 35, 30, 25, 25, 20, 20, 15, 10, 10, 5, 5, 5, 5)

# A scaled timer falls linearly from the full limit to this share of it for the last card,
# as Draftmancer and MTGO do, so the last picks do not leave a table waiting.
SCALED_FLOOR = 0.1


@dataclass(frozen=True, slots=True)
class TimerPolicy:
    """A pod's pick timer: the kind, the limit for a full pack, and the warning lead.

    ``seconds`` is the limit of every pick (``fixed``) or of the first pick of a full pack
    (``scaled``); ``mtr`` uses the tournament table and ignores it; ``none`` has no limit.
    ``pack_size`` tells ``scaled`` what a full pack is.
    """

    kind: TimerKind
    seconds: float = 0.0
    warning_seconds: float = 0.0
    pack_size: int = 15

    def __post_init__(self) -> None:
        if self.kind not in TIMER_KINDS:
            raise ValueError(
                f"timer kind must be one of {', '.join(TIMER_KINDS)}, not {self.kind!r}"
            )
        if self.kind in ("fixed", "scaled") and not self.seconds > 0:
            raise ValueError(f"a {self.kind} timer needs seconds > 0, not {self.seconds!r}")
        if self.seconds < 0 or self.warning_seconds < 0:
            raise ValueError("timer seconds and warning_seconds cannot be negative")
        if self.pack_size < 1:
            raise ValueError(f"pack_size must be at least 1, not {self.pack_size!r}")


def pick_seconds(policy: TimerPolicy, cards_left: int) -> float | None:
    """Seconds allowed for a pick from a pack with ``cards_left`` cards; None when untimed."""
    if cards_left < 1:
        raise ValueError(f"cards_left must be at least 1, not {cards_left!r}")
    if policy.kind == "none":
        return None
    if policy.kind == "fixed":
        return float(policy.seconds)
    if policy.kind == "mtr":
        index = max(0, len(MTR_SECONDS) - cards_left)
        return float(MTR_SECONDS[min(index, len(MTR_SECONDS) - 1)])
    if policy.pack_size == 1:
        return float(policy.seconds)
    left = min(cards_left, policy.pack_size)
    share = SCALED_FLOOR + (1 - SCALED_FLOOR) * (left - 1) / (policy.pack_size - 1)
    return policy.seconds * share


def warning_offset(policy: TimerPolicy, limit: float | None) -> float | None:
    """Seconds after the pick starts at which to warn, or None when no warning fits the limit."""
    if limit is None or policy.warning_seconds <= 0 or policy.warning_seconds >= limit:
        return None
    return limit - policy.warning_seconds
