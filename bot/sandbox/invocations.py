"""Interaction payloads as Discord's client builds them, checked against what a user could do.

A user can only invoke a synced command with its declared options, click an enabled button,
choose values the select offers, and fill the fields of the modal the bot showed; anything
else is a :class:`DriverError`, because Discord would never send it.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox import payloads
from bot.sandbox.errors import DriverError
from bot.sandbox.model import Channel, Command, CommandOption, Message, User
from bot.sandbox.world import World

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
GUILD_INSTALL = "0"
CONTEXT_GUILD, CONTEXT_BOT_DM = 0, 1


def base(
    world: World,
    *,
    interaction_id: int,
    token: str,
    kind: int,
    user: User,
    channel: Channel,
    data: dict[str, Any],
    upload_limit: int,
    message: Message | None = None,
) -> dict[str, Any]:
    """The fields discord.py 2.7 reads from every INTERACTION_CREATE."""
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(world.application_id),
        "type": kind,
        "data": data,
        "token": token,
        "version": 1,
        "channel_id": str(channel.id),
        "channel": payloads.channel(world, channel),
        "locale": "en-US",
        "app_permissions": payloads.ALL_PERMISSIONS,
        "entitlements": [],
        "attachment_size_limit": upload_limit,
    }
    if channel.guild_id is not None:
        guild = world.guilds[channel.guild_id]
        member = world.members.get((guild.id, user.id))
        if member is None:
            raise DriverError(f"{user.username} is not a member of {guild.name}")
        payload["guild_id"] = str(guild.id)
        payload["guild"] = {"id": str(guild.id), "locale": guild.locale, "features": []}
        payload["guild_locale"] = guild.locale
        permissions = str(world.permissions(member))
        payload["member"] = payloads.member(world, member) | {"permissions": permissions}
        payload["authorizing_integration_owners"] = {GUILD_INSTALL: str(guild.id)}
        payload["context"] = CONTEXT_GUILD
    else:
        payload["user"] = payloads.user(user)
        payload["authorizing_integration_owners"] = {GUILD_INSTALL: "0"}
        payload["context"] = CONTEXT_BOT_DM
    if message is not None:
        payload["message"] = payloads.message(world, message)
    return payload


def command_data(
    world: World,
    command: Command,
    path: list[str],
    values: dict[str, Any],
    *,
    guild_id: int | None,
    focused: str | None = None,
) -> dict[str, Any]:
    """``data`` of a slash command or autocomplete interaction, with ``resolved`` objects."""
    resolved: dict[str, dict[str, Any]] = {}
    declared = command.options
    root: list[dict[str, Any]] = []
    level = root
    for name in path:
        option = next((o for o in declared if o.name == name and o.type in (1, 2)), None)
        if option is None:
            raise DriverError(f"/{command.name} has no sub-command {name!r}")
        node: dict[str, Any] = {"name": name, "type": option.type, "options": []}
        level.append(node)
        level, declared = node["options"], option.options
    if any(o.type in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in declared):
        raise DriverError(f"/{command.name} {' '.join(path)} needs a sub-command")
    known = {o.name: o for o in declared}
    for name in values:
        if name not in known:
            raise DriverError(f"/{command.name} has no option {name!r}; it has {sorted(known)}")
    for option in declared:
        if option.name not in values:
            if option.required and focused is None:
                raise DriverError(f"/{command.name} needs option {option.name!r}")
            continue
        value = values[option.name]
        if option.name == focused:
            level.append(
                {"name": option.name, "type": option.type, "value": str(value), "focused": True}
            )
            continue
        level.append(
            {
                "name": option.name,
                "type": option.type,
                "value": _value(world, option, value, resolved, guild_id),
            }
        )
    data: dict[str, Any] = {
        "id": str(command.id),
        "name": command.name,
        "type": command.type,
        "options": root,
    }
    if command.guild_id is not None:
        data["guild_id"] = str(command.guild_id)
    if resolved:
        data["resolved"] = resolved
    return data


def _value(
    world: World,
    option: CommandOption,
    value: Any,
    resolved: dict[str, dict[str, Any]],
    guild_id: int | None,
) -> Any:
    if option.choices and value not in [c["value"] for c in option.choices]:
        raise DriverError(
            f"option {option.name!r} offers only {[c['value'] for c in option.choices]}"
        )
    if option.type == STRING:
        return str(value)
    if option.type == INTEGER:
        return int(value)
    if option.type == NUMBER:
        return float(value)
    if option.type == BOOLEAN:
        return bool(value)
    if option.type in (USER, MENTIONABLE) and isinstance(value, User):
        resolved.setdefault("users", {})[str(value.id)] = payloads.user(value)
        member = world.members.get((guild_id or 0, value.id))
        if member is not None:
            resolved.setdefault("members", {})[str(value.id)] = payloads.member(
                world, member, with_user=False
            ) | {"permissions": str(world.permissions(member))}
        return str(value.id)
    if option.type == CHANNEL and isinstance(value, Channel):
        resolved.setdefault("channels", {})[str(value.id)] = payloads.channel(world, value) | {
            "permissions": payloads.ALL_PERMISSIONS
        }
        return str(value.id)
    raise DriverError(f"option {option.name!r} of type {option.type} cannot take {value!r}")


def component_data(message: Message, custom_id: str, values: list[str] | None) -> dict[str, Any]:
    """``data`` of a button click (``values`` None) or a string-select choice."""
    component = message.custom_ids().get(custom_id)
    if component is None:
        raise DriverError(f"message {message.id} has no component {custom_id!r}")
    if component.get("disabled"):
        raise DriverError(f"component {custom_id!r} is disabled")
    kind = component["type"]
    if values is None:
        if kind != 2:
            raise DriverError(f"component {custom_id!r} is not a button")
        return {"custom_id": custom_id, "component_type": kind}
    if kind != 3:
        raise DriverError(f"component {custom_id!r} is not a string select")
    offered = [o["value"] for o in component.get("options", [])]
    unknown = [v for v in values if v not in offered]
    low, high = component.get("min_values", 1), component.get("max_values", 1)
    if unknown or not low <= len(values) <= high:
        raise DriverError(f"select {custom_id!r} takes {low}..{high} of {offered}, not {values}")
    return {"custom_id": custom_id, "component_type": kind, "values": list(values)}


def modal_data(modal: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """``data`` of a modal submit, mirroring the modal's layout (action rows or labels)."""
    rows = []
    fields: set[str] = set()
    for row in modal.get("components", []):
        if row.get("type") == 18:
            inner = row["component"]
            fields.add(inner["custom_id"])
            rows.append({"type": 18, "component": _field(inner, values)})
        elif row.get("type") == 1:
            children = [_field(c, values) for c in row.get("components", [])]
            fields.update(c["custom_id"] for c in row.get("components", []))
            rows.append({"type": 1, "components": children})
    extra = set(values) - fields
    if extra:
        raise DriverError(f"modal {modal.get('custom_id')!r} has no fields {sorted(extra)}")
    return {"custom_id": modal["custom_id"], "components": rows}


def _field(component: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    custom_id = component["custom_id"]
    if component.get("type") != 4:
        raise DriverError(
            f"modal field {custom_id!r} of type {component.get('type')} is not modelled"
        )
    value = values.get(custom_id, component.get("value") or "")
    if component.get("required", True) and not value:
        raise DriverError(f"modal field {custom_id!r} is required")
    return {"type": 4, "custom_id": custom_id, "value": value}
