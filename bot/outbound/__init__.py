"""The outbound queue: per-channel workers that send, edit and delete the bot's messages.

See :mod:`bot.outbound.queue` for ordering and fairness and :mod:`bot.outbound.jobs` for the rules
that collapse jobs on one message. Discord is reached through a :class:`Transport`; the bot's is
:class:`bot.outbound.discord_transport.DiscordTransport` (import it from there, so that this
package stays importable without discord.py).
"""

from bot.outbound.queue import (
    OutboundError,
    OutboundQueue,
    OutboundStats,
    QueueClosed,
    Retry,
    WorkerFailed,
)
from bot.outbound.transport import Transport

__all__ = [
    "OutboundError",
    "OutboundQueue",
    "OutboundStats",
    "QueueClosed",
    "Retry",
    "Transport",
    "WorkerFailed",
]
