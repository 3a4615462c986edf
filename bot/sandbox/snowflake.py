"""Snowflake ids as Discord makes them, so that time and shard arithmetic hold."""

from __future__ import annotations

import time
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeGenerator:
    """Strictly increasing snowflakes carrying the wall-clock millisecond, as Discord's do."""

    def __init__(self, worker: int = 1) -> None:
        self._worker = worker & 0x1F
        self._last_ms = 0
        self._increment = 0

    def next(self, *, new_millisecond: bool = False) -> int:
        """The next id; ``new_millisecond`` gives it a millisecond of its own.

        Guilds take one, so that consecutive guilds spread over shards the way
        ``(guild_id >> 22) % num_shards`` spreads them on Discord.
        """
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        if new_millisecond or self._increment == 0xFFF or now_ms > self._last_ms:
            self._last_ms = max(now_ms, self._last_ms + 1)
            self._increment = 0
        else:
            self._increment += 1
        return (self._last_ms << 22) | (self._worker << 17) | self._increment


def shard_for(guild_id: int, num_shards: int) -> int:
    """The shard Discord routes a guild's events to."""
    return (guild_id >> 22) % num_shards


def snowflake_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)
