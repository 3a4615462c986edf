"""Application command sync: what the bot registers is what the driver can invoke."""

from __future__ import annotations

from typing import Any

from bot.sandbox import limits
from bot.sandbox.errors import ApiError
from bot.sandbox.model import Command, CommandOption
from bot.sandbox.world import World

COMMANDS_MAX = 100
OPTIONS_MAX = 25
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2


def _option(data: dict[str, Any]) -> CommandOption:
    return CommandOption(
        name=data["name"],
        type=int(data["type"]),
        required=bool(data.get("required", False)),
        autocomplete=bool(data.get("autocomplete", False)),
        options=tuple(_option(o) for o in data.get("options") or []),
        choices=tuple(data.get("choices") or []),
    )


def _check(errors: limits.FormErrors, path: list[str | int], data: dict[str, Any]) -> None:
    name = data.get("name")
    errors.length_between([*path, "name"], name, 1, 32)
    if isinstance(name, str) and name != name.lower():
        errors.add([*path, "name"], "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
    if data.get("type", 1) == 1:
        errors.length_between([*path, "description"], data.get("description"), 1, 100)
    options = data.get("options") or []
    errors.too_long([*path, "options"], options, OPTIONS_MAX)
    for index, option in enumerate(options):
        _check(errors, [*path, "options", index], option)


def sync(world: World, guild_id: int | None, wanted: Any) -> list[Command]:
    """Replace the scope's commands, keeping the id of a command with the same name and type."""
    if not isinstance(wanted, list):
        raise ApiError(400, 50035, "Invalid Form Body")
    errors = limits.FormErrors()
    errors.too_long([], wanted, COMMANDS_MAX)
    for index, data in enumerate(wanted):
        _check(errors, [index], data)
    errors.raise_if_any()
    previous = {(c.name, c.type): c.id for c in world.commands.get(guild_id, [])}
    synced = []
    for data in wanted:
        kind = int(data.get("type", 1))
        command_id = previous.get((data["name"], kind)) or world.ids.next()
        payload = {
            "id": str(command_id),
            "application_id": str(world.application_id),
            "version": str(world.ids.next()),
            "type": kind,
            "name": data["name"],
            "description": data.get("description", ""),
            "options": data.get("options") or [],
            "default_member_permissions": data.get("default_member_permissions"),
            "dm_permission": data.get("dm_permission", True),
            "nsfw": data.get("nsfw", False),
            "contexts": data.get("contexts"),
            "integration_types": data.get("integration_types", [0]),
        }
        if guild_id is not None:
            payload["guild_id"] = str(guild_id)
        options = tuple(_option(o) for o in data.get("options") or [])
        synced.append(Command(command_id, data["name"], kind, guild_id, options, payload))
    world.commands[guild_id] = synced
    return synced
