"""Every request the local Discord received, for counting API use and finding unknown routes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

CallKind = Literal["global", "interaction", "cdn", "unknown"]


@dataclass(frozen=True)
class Call:
    at: datetime
    method: str
    route: str
    path: str
    kind: CallKind
    status: int


@dataclass(frozen=True)
class CallCounts:
    """REST calls split the way Discord limits them.

    ``global_limited`` are bot-token calls under the 50 per second global limit;
    ``interaction`` are callbacks and webhook follow-ups, which that limit exempts.
    """

    global_limited: int
    interaction: int
    by_route: dict[str, int]

    def __sub__(self, other: CallCounts) -> CallCounts:
        routes = Counter(self.by_route)
        routes.subtract(other.by_route)
        return CallCounts(
            self.global_limited - other.global_limited,
            self.interaction - other.interaction,
            {k: v for k, v in routes.items() if v},
        )


class CallLog:
    def __init__(self) -> None:
        self.calls: list[Call] = []

    def add(self, call: Call) -> None:
        self.calls.append(call)

    def counts(self) -> CallCounts:
        return CallCounts(
            global_limited=sum(1 for c in self.calls if c.kind == "global"),
            interaction=sum(1 for c in self.calls if c.kind == "interaction"),
            by_route=dict(Counter(c.route for c in self.calls if c.kind != "cdn")),
        )

    def unknown_routes(self) -> list[str]:
        return [f"{c.method} {c.path}" for c in self.calls if c.kind == "unknown"]
