"""A local Discord at the wire, for the tests and the offline demo; production never imports it.

Start a :class:`LocalDiscord`, point discord.py at it with :func:`pointed_at`, run the bot
unmodified with ``server.token``, and act as its users through ``server.driver``.
"""

from bot.sandbox.calls import CallCounts
from bot.sandbox.connect import pointed_at
from bot.sandbox.driver import Driver
from bot.sandbox.errors import ApiError, DriverError, RealTokenConfigured, SandboxError, WaitTimeout
from bot.sandbox.handles import InteractionHandle
from bot.sandbox.model import Attachment, Channel, Guild, Message, User
from bot.sandbox.server import LocalDiscord, is_sandbox_token

__all__ = [
    "ApiError",
    "Attachment",
    "CallCounts",
    "Channel",
    "Driver",
    "DriverError",
    "Guild",
    "InteractionHandle",
    "LocalDiscord",
    "Message",
    "RealTokenConfigured",
    "SandboxError",
    "User",
    "WaitTimeout",
    "is_sandbox_token",
    "pointed_at",
]
