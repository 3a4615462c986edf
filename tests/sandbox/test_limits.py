"""Discord's limits, answered with its own codes and error bodies through discord.py."""

from __future__ import annotations

import io
from typing import Any

import discord
import pytest
from discord.http import Route

from bot.sandbox import LocalDiscord

from .tiny_bot import TinyBot


def view_of(*items: discord.ui.Item[Any]) -> discord.ui.View:
    view = discord.ui.View()
    for item in items:
        view.add_item(item)
    return view


def oversized_select() -> discord.ui.View:
    select: discord.ui.Select[Any] = discord.ui.Select(custom_id="s")
    select._underlying.options = [discord.SelectOption(label=str(i)) for i in range(26)]
    return view_of(select)


def six_rows() -> discord.ui.View:
    view = discord.ui.View()
    for row in range(5):
        view.add_item(discord.ui.Button(label="b", custom_id=f"b{row}", row=row))
    rows = view.to_components()
    rows.append(
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "b5"}]}
    )
    view.to_components = lambda: rows  # type: ignore[method-assign]
    return view


def six_buttons() -> discord.ui.View:
    row = [{"type": 2, "style": 1, "label": str(i), "custom_id": f"c{i}"} for i in range(6)]
    view = discord.ui.View()
    view.to_components = lambda: [{"type": 1, "components": row}]  # type: ignore[method-assign]
    return view


CASES = [
    pytest.param({"content": "x" * 2001}, 50035, "content", id="content-2001"),
    pytest.param({"raw": {"embeds": [{"title": "t"}] * 11}}, 50035, "embeds", id="eleven-embeds"),
    pytest.param({"embed": discord.Embed(title="t" * 257)}, 50035, "embeds", id="embed-title"),
    pytest.param(
        {
            "embed": discord.Embed(description="d" * 4096)
            .add_field(name="n", value="v" * 1024)
            .add_field(name="m", value="v" * 1000)
        },
        50035,
        "maximum size of 6000",
        id="embed-total",
    ),
    pytest.param({"view": oversized_select()}, 50035, "options", id="26-options"),
    pytest.param({"view": six_rows()}, 50035, "components", id="six-rows"),
    pytest.param({"view": six_buttons()}, 50035, "components.0.components", id="six-buttons"),
    pytest.param(
        {"view": view_of(discord.ui.Button(label="l" * 81, custom_id="a"))},
        50035,
        "label",
        id="label-81",
    ),
    pytest.param(
        {"view": view_of(discord.ui.Button(label="l", custom_id="c" * 101))},
        50035,
        "custom_id",
        id="custom-id-101",
    ),
    pytest.param(
        {
            "view": view_of(
                discord.ui.Select(
                    custom_id="s", placeholder="p" * 151, options=[discord.SelectOption(label="a")]
                )
            )
        },
        50035,
        "placeholder",
        id="placeholder-151",
    ),
    pytest.param(
        {"files": [discord.File(io.BytesIO(b"x"), f"{i}.txt") for i in range(11)]},
        50035,
        "attachments",
        id="eleven-files",
    ),
    pytest.param(
        {"file": discord.File(io.BytesIO(b"x" * 2048), "big.bin")},
        40005,
        "entity too large",
        id="upload-limit",
    ),
    pytest.param({"content": ""}, 50006, "empty message", id="empty"),
]


@pytest.mark.parametrize(("kwargs", "code", "mentions"), CASES)
async def test_limits_refuse_with_discords_codes(
    sandbox: LocalDiscord, tiny: TinyBot, kwargs: dict[str, Any], code: int, mentions: str
) -> None:
    """Each broken rule is an HTTPException with Discord's code, naming the field; no message."""
    sandbox.messages.upload_limit = 1024
    alice = sandbox.driver.add_user("alice")
    channel = await (await tiny.fetch_user(alice.id)).create_dm()
    with pytest.raises(discord.HTTPException) as refused:
        if "raw" in kwargs:
            route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel.id)
            await tiny.http.request(route, json=kwargs["raw"])
        else:
            await channel.send(**kwargs)
    assert refused.value.code == code
    assert mentions in str(refused.value)
    assert sandbox.driver.messages(user=alice) == []


async def test_a_message_at_every_limit_is_accepted(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """2,000 characters, 10 embeds, 10 files, 25 options and 5 rows of 5 are all allowed."""
    alice = sandbox.driver.add_user("alice")
    channel = await (await tiny.fetch_user(alice.id)).create_dm()
    view = discord.ui.View()
    view.add_item(
        discord.ui.Select(
            custom_id="s",
            placeholder="p" * 150,
            options=[discord.SelectOption(label=str(i)) for i in range(25)],
        )
    )
    for row in range(1, 5):
        for i in range(5):
            view.add_item(
                discord.ui.Button(label="l" * 80, custom_id=f"{row}-{i}".ljust(100, "x"), row=row)
            )
    files = [discord.File(io.BytesIO(b"x"), f"{i}.txt") for i in range(10)]
    sent = await channel.send(
        "x" * 2000, embeds=[discord.Embed(title="t")] * 10, files=files, view=view
    )
    record = sandbox.world.messages[sent.id]
    assert (len(record.content), len(record.embeds), len(record.attachments)) == (2000, 10, 10)
