"""Messages: files through multipart and the CDN, nonce idempotency, edits, deletes, history."""

from __future__ import annotations

import io

import discord
import pytest

from bot.sandbox import LocalDiscord

from .tiny_bot import TinyBot, png


async def dm(bot: TinyBot, user_id: int) -> discord.DMChannel:
    return await (await bot.fetch_user(user_id)).create_dm()


async def test_dm_with_a_png_and_a_view(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """/pack DMs a PNG (stored byte for byte, with its size) and a select plus buttons."""
    d = sandbox.driver
    alice = d.add_user("alice")
    handle = await d.invoke(alice, "pack")
    pack = await d.next_message(user=alice)
    assert (await handle.message()).content == "sent"
    (image,) = pack.attachments
    assert d.file(image) == png()
    assert (image.filename, image.content_type, image.width, image.height) == (
        "pack.png", "image/png", 64, 32,
    )  # fmt: skip
    assert set(pack.custom_ids()) == {"pick:1", "pack:select", "pack:pass"}


async def test_attachments_are_served_by_the_cdn(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """discord.py reads an attachment back through its URL on the local CDN."""
    alice = sandbox.driver.add_user("alice")
    channel = await dm(tiny, alice.id)
    sent = await channel.send(file=discord.File(io.BytesIO(b"GIF89a\x02\x00\x03\x00rest"), "a.gif"))
    assert sent.attachments[0].url.startswith(sandbox.base_url)
    assert await sent.attachments[0].read() == b"GIF89a\x02\x00\x03\x00rest"
    assert (sent.attachments[0].width, sent.attachments[0].height) == (2, 3)


async def test_same_nonce_returns_the_first_message(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """A send retried with its nonce and enforce_nonce makes no second message."""
    alice = sandbox.driver.add_user("alice")
    channel = await dm(tiny, alice.id)
    first = await channel.send("pick 1", nonce="pod1-seat2-p1")
    again = await channel.send("pick 1", nonce="pod1-seat2-p1")
    other = await channel.send("pick 2", nonce="pod1-seat2-p2")
    assert first.id == again.id != other.id
    assert [m.content for m in sandbox.driver.messages(user=alice)] == ["pick 1", "pick 2"]


async def test_edit_keeps_or_replaces_attachments(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """An edit without attachments keeps the files; attachments=[] removes them."""
    d = sandbox.driver
    alice = d.add_user("alice")
    channel = await dm(tiny, alice.id)
    sent = await channel.send("v1", file=discord.File(io.BytesIO(png()), "p.png"))
    await sent.edit(content="v2")
    record = sandbox.world.messages[sent.id]
    assert (record.content, len(record.attachments)) == ("v2", 1)
    await sent.edit(content="v3", attachments=[discord.File(io.BytesIO(png(8, 8)), "q.png")])
    assert [a.filename for a in record.attachments] == ["q.png"]
    await sent.edit(attachments=[])
    assert record.attachments == []
    assert [r.kind for r in record.revisions] == ["create", "edit", "edit", "edit"]


async def test_delete_bulk_delete_and_history(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """Deleted messages leave history; bulk delete works in guilds and not in DMs."""
    d = sandbox.driver
    guild = await d.add_guild("Pod")
    general = await tiny.fetch_channel(d.channel(guild, "general").id)
    assert isinstance(general, discord.TextChannel)
    sent = [await general.send(f"m{i}") for i in range(5)]
    await sent[0].delete()
    await general.delete_messages(sent[1:3])
    history = [m.content async for m in general.history(limit=10)]
    assert history == ["m4", "m3"]
    fetched = await general.fetch_message(sent[4].id)
    assert fetched.content == "m4"
    with pytest.raises(discord.NotFound) as missing:
        await general.fetch_message(sent[0].id)
    assert missing.value.code == 10008
    alice = d.add_user("alice")
    private = await dm(tiny, alice.id)
    two = [await private.send("a"), await private.send("b")]
    with pytest.raises(discord.Forbidden) as refused:
        await tiny.http.delete_messages(private.id, [m.id for m in two])
    assert refused.value.code == 50003


async def test_user_dm_reaches_on_message(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """A DM written by a user arrives as MESSAGE_CREATE and the bot's reply is read back."""
    d = sandbox.driver
    alice = d.add_user("alice")
    await d.send_dm(alice, "hello bot")
    reply = await d.next_message(user=alice)
    assert reply.content == "echo: hello bot"
    assert tiny.dm_texts == ["hello bot"]
    assert [m.author_id for m in d.messages(user=alice)] == [alice.id, sandbox.world.bot.id]


async def test_user_dm_with_a_file(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """A user's file arrives with the MESSAGE_CREATE and is served by the CDN."""
    d = sandbox.driver
    alice = d.add_user("alice")
    sent = await d.send_dm(alice, "my deck", files=[("deck.txt", b"1 Island")])
    await d.next_message(user=alice)
    assert tiny.dm_files == ["deck.txt"]
    fetched = await (await dm(tiny, alice.id)).fetch_message(sent.id)
    assert await fetched.attachments[0].read() == b"1 Island"


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "JPEG", "WEBP"])
@pytest.mark.parametrize("lossless", [False, True])
def test_image_sizes_are_read_from_every_format_the_renderer_writes(
    fmt: str, lossless: bool
) -> None:
    """Width and height come from the file's own header, as Discord reports them."""
    import io

    from PIL import Image

    from bot.sandbox.messages import image_size

    buffer = io.BytesIO()
    extra = {"lossless": True} if fmt == "WEBP" and lossless else {}
    Image.new("RGB", (1234, 567), "teal").save(buffer, format=fmt, **extra)
    assert image_size(buffer.getvalue()) == (1234, 567)


def test_a_file_that_is_not_an_image_has_no_size() -> None:
    """Garbage, a cut-off JPEG and text give None rather than an error."""
    from bot.sandbox.messages import image_size

    assert image_size(b"\xff\xd8\xff\xe0\x00") is None
    assert image_size(b"hello world, not an image") is None
