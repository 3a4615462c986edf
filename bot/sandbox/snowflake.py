"""Snowflake ids as Discord makes them, so that time and shard arithmetic hold."""

from __future__ import annotations

import time
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeGenerator:
    """Strictly increasing snowflakes, one millisecond apart at least.

    Giving each id its own millisecond spreads consecutive guilds over shards the way
    ``(guild_id >> 22) % num_shards`` does on Discord, instead of piling them into one.
    """

    def __init__(self, worker: int = 1) -> None:
        self._worker = worker & 0x1F
        self._last_ms = 0
        self._increment = 0

    def next(self) -> int:
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self._last_ms = max(now_ms, self._last_ms + 1)
        self._increment = (self._increment + 1) & 0xFFF
        return (self._last_ms << 22) | (self._worker << 17) | self._increment


def shard_for(guild_id: int, num_shards: int) -> int:
    """The shard Discord routes a guild's events to."""
    return (guild_id >> 22) % num_shards


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)
