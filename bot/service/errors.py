"""Refusals of the draft service: each says in one sentence what the user should know.

A :class:`ServiceError` means nothing changed. Its message is written for the person who acted
(the one place that turns errors into words, :mod:`bot.ui.words`, shows it as it is).
"""

from __future__ import annotations


class ServiceError(Exception):
    """The request was refused; nothing changed. ``str(error)`` is the sentence to show."""


class UnknownPod(ServiceError):
    def __init__(self, pod_id: int) -> None:
        self.pod_id = pod_id
        super().__init__(f"There is no running pod #{pod_id}.")


class NoPodHere(ServiceError):
    def __init__(self, what: str) -> None:
        super().__init__(what)


class NotAllowed(ServiceError):
    """Only the pod's creator or a member with Manage Server may do this."""

    def __init__(self, action: str, pod_id: int) -> None:
        self.action = action
        super().__init__(
            f"Only the creator of pod #{pod_id} or a member with Manage Server can {action} it."
        )


class WrongPhase(ServiceError):
    def __init__(self, pod_id: int, status: str, action: str) -> None:
        self.status = status
        super().__init__(f"Pod #{pod_id} is {_phase(status)}, so it cannot {action}.")


class NotSeated(ServiceError):
    def __init__(self, pod_id: int) -> None:
        super().__init__(f"You are not in pod #{pod_id}.")


class NotInvited(ServiceError):
    def __init__(self, pod_id: int) -> None:
        super().__init__(f"Pod #{pod_id} is invite-only, and you are not on its list.")


class TooFewSeats(ServiceError):
    def __init__(self, pod_id: int, seats: int, needed: int) -> None:
        super().__init__(
            f"Pod #{pod_id} has {seats} seat{'s' if seats != 1 else ''}; it needs at least "
            f"{needed} (players and bot drafters) to start."
        )


class BadOption(ServiceError):
    """An option of a command that is out of range or does not fit the others."""


class NotYourPack(ServiceError):
    def __init__(self) -> None:
        super().__init__("That pick menu is not yours: it belongs to another player's pack.")


class TimeRanOut(ServiceError):
    """A player's choice for a pick the timer had already made for them."""

    def __init__(self, pick_no: int, card_name: str) -> None:
        super().__init__(
            f"Time ran out for pick {pick_no}: **{card_name}** was picked for you, "
            "so your choice was not taken."
        )


class DmClosed(ServiceError):
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        super().__init__(
            f"<@{user_id}>, I cannot send you direct messages, and your packs come by DM. "
            "Allow direct messages from server members (Privacy Settings), then join again."
        )


class Stopping(ServiceError):
    """The bot is shutting down: it finishes what it has started and takes nothing new."""

    def __init__(self) -> None:
        super().__init__(
            "The bot is restarting, so nothing was changed. Try again in a minute: "
            "your pack will be shown to you again."
        )


def _phase(status: str) -> str:
    return {
        "open": "still a lobby",
        "drafting": "drafting",
        "finished": "finished",
        "cancelled": "cancelled",
        "expired": "expired",
    }.get(status, status)
