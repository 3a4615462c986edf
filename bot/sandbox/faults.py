"""Switchable faults on the REST API: 429s, server errors, lost answers, slow answers.

A fault matches one route (``"POST /channels/{channel_id}/messages"``, the same key discord.py
uses for its buckets) or every route when ``route`` is None, and fires ``count`` times (None:
until cleared). Closed DMs and dropped gateway connections live with the user and the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["rate_limit", "server_error", "lost_response", "slow"]


@dataclass
class Fault:
    kind: FaultKind
    route: str | None
    remaining: int | None
    retry_after: float = 0.0
    is_global: bool = False
    status: int = 500
    seconds: float = 0.0
    fired: int = 0

    def matches(self, route: str) -> bool:
        return (self.route is None or self.route == route) and self.remaining != 0


class Faults:
    """The faults armed now; the REST layer asks :meth:`take` on every API request."""

    def __init__(self) -> None:
        self.armed: list[Fault] = []

    def rate_limit(
        self,
        route: str | None = None,
        *,
        count: int | None = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
    ) -> Fault:
        """Answer 429 with ``Via`` and ``retry_after``, which discord.py waits out and retries."""
        return self._arm(
            Fault("rate_limit", route, count, retry_after=retry_after, is_global=is_global)
        )

    def server_error(
        self, route: str | None = None, *, count: int | None = 1, status: int = 500
    ) -> Fault:
        """Answer 5xx; discord.py retries 500, 502, 504 after ``1 + 2 * tries`` seconds."""
        return self._arm(Fault("server_error", route, count, status=status))

    def lose_response(
        self, route: str | None = None, *, count: int | None = 1, status: int = 503
    ) -> Fault:
        """Do the work, then answer 5xx: the message exists but the bot never heard so.

        The case a ``nonce`` with ``enforce_nonce`` makes safe: the retried send returns the
        message created the first time instead of a second one.
        """
        return self._arm(Fault("lost_response", route, count, status=status))

    def slow(self, route: str | None = None, *, seconds: float, count: int | None = None) -> Fault:
        """Hold the answer ``seconds`` before handling the request."""
        return self._arm(Fault("slow", route, count, seconds=seconds))

    def clear(self) -> None:
        self.armed.clear()

    def _arm(self, fault: Fault) -> Fault:
        self.armed.append(fault)
        return fault

    def take(self, route: str) -> list[Fault]:
        """The faults to apply to this request, each counted as fired."""
        fired = []
        for fault in self.armed:
            if fault.matches(route):
                fault.fired += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                fired.append(fault)
        return fired
