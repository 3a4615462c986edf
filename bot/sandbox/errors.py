"""Errors of the local Discord: Discord's own API errors, and misuse of the driver."""

from __future__ import annotations

from typing import Any


class SandboxError(Exception):
    """Base of every error raised by the local Discord."""


class ApiError(SandboxError):
    """An answer Discord would give: HTTP status, JSON error code, message and form errors.

    Raised inside request handlers and turned into the exact JSON body discord.py parses
    (``HTTPException.code`` and ``.text`` come from it).
    """

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


class DriverError(SandboxError):
    """A test or the demo asked for something a Discord user could not do."""


class WaitTimeout(SandboxError, TimeoutError):
    """A wait on the local Discord's state ran out of time; says what was awaited."""

    def __init__(self, what: str, timeout: float) -> None:
        super().__init__(f"timed out after {timeout:g}s waiting for {what}")
        self.what = what
        self.timeout = timeout


class RealTokenConfigured(SandboxError):
    """A real Discord token is in the environment: refuse to point discord.py elsewhere."""


def unknown(entity: str, code: int) -> ApiError:
    return ApiError(404, code, f"Unknown {entity}")


def unknown_channel() -> ApiError:
    return unknown("Channel", 10003)


def unknown_message() -> ApiError:
    return unknown("Message", 10008)


def unknown_user() -> ApiError:
    return unknown("User", 10013)


def unknown_guild() -> ApiError:
    return unknown("Guild", 10004)


def unknown_webhook() -> ApiError:
    return unknown("Webhook", 10015)


def unknown_interaction() -> ApiError:
    return unknown("interaction", 10062)


def already_acknowledged() -> ApiError:
    return ApiError(400, 40060, "Interaction has already been acknowledged.")


def cannot_dm() -> ApiError:
    return ApiError(403, 50007, "Cannot send messages to this user")


def unauthorized() -> ApiError:
    return ApiError(401, 0, "401: Unauthorized")
