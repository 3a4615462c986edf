"""Slash commands, autocomplete, components, modals and follow-ups against the tiny bot."""

from __future__ import annotations

import asyncio

import aiohttp
import discord
import pytest

from bot.sandbox import DriverError, LocalDiscord

from .conftest import running
from .tiny_bot import TinyBot, hello, png


async def test_slash_command_in_a_guild_channel(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """/hello with options is answered by a channel message every member sees."""
    d = sandbox.driver
    guild = await d.add_guild("Pod")
    alice = d.add_user("alice")
    await d.add_member(guild, alice)
    general = d.channel(guild, "general")
    handle = await d.invoke(alice, "hello", {"name": "bob", "times": 2}, channel=general)
    message = await handle.message()
    assert (message.content, message.visible_to, message.channel_id) == (
        "hello bob hello bob", None, general.id,
    )  # fmt: skip
    assert await d.next_message(channel=general) is message


async def test_guild_commands_are_synced_and_invoked_per_guild(
    sandbox: LocalDiscord, tiny: TinyBot
) -> None:
    """Commands synced to one guild are that guild's, with their own ids, not global ones."""
    d = sandbox.driver
    guild, other = await d.add_guild("Pod"), await d.add_guild("Other")
    alice = d.add_user("alice")
    await d.add_member(guild, alice)
    tiny.tree.clear_commands(guild=None)
    tiny.tree.add_command(hello, guild=discord.Object(guild.id))
    await tiny.tree.sync()
    synced = await tiny.tree.sync(guild=discord.Object(guild.id))
    assert [c.name for c in synced] == ["hello"]
    assert d.command("hello", guild=guild).guild_id == guild.id
    with pytest.raises(DriverError, match="no command"):
        d.command("hello", guild=other)
    handle = await d.invoke(alice, "hello", {"name": "pod"}, channel=d.channel(guild, "general"))
    assert (await handle.message()).content == "hello pod"


async def test_slash_command_in_the_bots_dm(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """A command run in the bot's DM arrives with a user, not a member, and is answered there."""
    d = sandbox.driver
    alice = d.add_user("alice")
    handle = await d.invoke(alice, "hello", {"name": "me"})
    assert (await d.next_message(user=alice)).content == "hello me"
    assert handle.record.payload["context"] == 1


async def test_member_permissions_reach_the_bot(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """The administrator role and @everyone's permissions reach the bot as Discord computes them."""
    d = sandbox.driver
    guild = await d.add_guild("Pod")
    admin, player = d.add_user("admin"), d.add_user("player")
    await d.add_member(guild, admin, admin=True)
    await d.add_member(guild, player)
    general = d.channel(guild, "general")
    answers = [
        await (await d.invoke(u, "reload", channel=general)).message() for u in (admin, player)
    ]
    assert [a.content for a in answers] == ["reloaded", "not allowed"]


async def test_autocomplete_offers_the_bots_choices(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """Typing in an autocomplete option returns the choices the bot computed."""
    d = sandbox.driver
    alice = d.add_user("alice")
    choices = await d.autocomplete(alice, "hello", {"name": "al"}, focused="name")
    assert [c["value"] for c in choices] == ["alice", "albert"]


@pytest.mark.parametrize(
    ("command", "options", "problem"),
    [
        pytest.param("nope", {}, "no command", id="unsynced-command"),
        pytest.param("hello", {}, "needs option", id="missing-required-option"),
        pytest.param("hello", {"name": "x", "colour": "red"}, "no option", id="unknown-option"),
    ],
)
async def test_invocations_a_client_could_not_send_are_refused(
    sandbox: LocalDiscord, tiny: TinyBot, command: str, options: dict[str, str], problem: str
) -> None:
    """The driver refuses what Discord's client would never send, naming the problem."""
    alice = sandbox.driver.add_user("alice")
    with pytest.raises(DriverError, match=problem):
        await sandbox.driver.invoke(alice, command, options)


async def test_button_and_select_callbacks_on_a_dm(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """A select choice gets an ephemeral answer; a button defers and edits the message."""
    d = sandbox.driver
    alice = d.add_user("alice")
    await (await d.invoke(alice, "pack")).acknowledged()
    pack = await d.next_message(user=alice)
    chosen = await d.select(alice, pack, "pack:select", ["2"])
    answer = await chosen.message()
    assert (answer.content, answer.ephemeral, answer.visible_to) == ("you chose 2", True, alice.id)
    passed = await d.click(alice, pack, "pack:pass")
    assert await passed.acknowledged() == 6
    edited = await d.wait_for(lambda: pack if pack.content == "passed" else None, "the edit")
    assert edited.components == []
    with pytest.raises(DriverError, match="no component"):
        await d.click(alice, pack, "pack:pass")


async def test_a_select_refuses_values_it_does_not_offer(
    sandbox: LocalDiscord, tiny: TinyBot
) -> None:
    """Choosing a value that is not an option is not something a user can do."""
    d = sandbox.driver
    alice = d.add_user("alice")
    await d.invoke(alice, "pack")
    pack = await d.next_message(user=alice)
    with pytest.raises(DriverError, match=r"takes 1\.\.1"):
        await d.select(alice, pack, "pack:select", ["9"])


async def test_modal_submit_reaches_the_modal(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """The bot's modal is shown, filled in by the driver and its on_submit answers."""
    d = sandbox.driver
    alice = d.add_user("alice")
    opened = await d.invoke(alice, "ask")
    modal = await opened.modal()
    assert modal["title"] == "Your deck name"
    submitted = await d.submit_modal(alice, opened, {"deck:name": "Mono Red"})
    assert (await submitted.message()).content == "deck Mono Red"


async def test_deferred_answer_then_followups(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """A thinking defer is filled by the first follow-up; the next one is a new message."""
    d = sandbox.driver
    alice = d.add_user("alice")
    handle = await d.invoke(alice, "later")
    first, second = await handle.followups(2)
    assert first.id == handle.record.original_id
    assert first.content == "done thinking" and not first.flags & 128
    assert (second.content, second.visible_to) == ("and one more", alice.id)


async def test_interaction_response_carries_files(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """A callback sent as multipart keeps its file and the embed that shows it."""
    alice = sandbox.driver.add_user("alice")
    answer = await (await sandbox.driver.invoke(alice, "card")).message()
    (image,) = answer.attachments
    assert (sandbox.driver.file(image), image.width, image.height) == (png(20, 28), 20, 28)
    assert answer.embeds[0]["image"]["url"] == "attachment://card.png"


async def test_original_response_read_edited_and_deleted(
    sandbox: LocalDiscord, tiny: TinyBot
) -> None:
    """@original is fetched, edited and deleted through discord.py's webhook routes."""
    d = sandbox.driver
    alice = d.add_user("alice")
    handle = await d.invoke(alice, "tidy")
    original = await handle.message()
    await d.wait_for(lambda: original.deleted, "the deletion")
    assert [(r.kind, r.content) for r in original.revisions] == [
        ("create", "draft"), ("edit", "draft v2"), ("delete", "draft v2"),
    ]  # fmt: skip


async def test_followup_before_acknowledgement_is_unknown_webhook(
    sandbox: LocalDiscord, tiny: TinyBot
) -> None:
    """A follow-up needs an acknowledged interaction; before that the webhook is unknown."""
    d = sandbox.driver
    tiny.slow_seconds = 0.05
    alice = d.add_user("alice")
    handle = await d.invoke(alice, "slow")
    url = f"{sandbox.api_url}/webhooks/{sandbox.world.application_id}/{handle.record.token}"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json={"content": "too early"}, params={"wait": "1"}) as early:
            assert (early.status, (await early.json())["code"]) == (404, 10015)
        await handle.message()
        async with session.get(url + "/messages/@original") as response:
            assert (await response.json())["content"] == "finally"


async def test_slow_bot_meets_unknown_interaction(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """An answer past the deadline is refused with 10062, and discord.py raises NotFound."""
    d = sandbox.driver
    sandbox.interactions.deadline = 0.1
    tiny.slow_seconds = 0.2
    alice = d.add_user("alice")
    handle = await d.invoke(alice, "slow")
    rejection = await handle.rejection()
    assert (rejection.status, rejection.code) == (404, 10062)
    assert (await tiny.first_failure()).code == 10062
    assert not handle.record.acknowledged


async def test_prompt_bot_meets_the_same_deadline(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """Under the same short deadline a bot that answers at once is accepted."""
    sandbox.interactions.deadline = 0.1
    alice = sandbox.driver.add_user("alice")
    handle = await sandbox.driver.invoke(alice, "slow")
    assert (await handle.message()).content == "finally"


async def test_double_acknowledgement_is_40060(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """A second callback to one interaction is refused as already acknowledged."""
    d = sandbox.driver
    alice = d.add_user("alice")
    handle = await d.invoke(alice, "hello", {"name": "x"})
    await handle.acknowledged()
    with pytest.raises(Exception) as caught:
        await tiny.http.request(
            __import__("discord").http.Route(
                "POST", "/interactions/{i}/{t}/callback", i=handle.id, t=handle.record.token
            ),
            json={"type": 4, "data": {"content": "again"}},
        )
    assert getattr(caught.value, "code", None) == 40060


async def test_concurrent_callbacks_acknowledge_once(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """Two callbacks racing for one interaction: one message, the other gets 40060."""
    tiny.slow_seconds = 0.2
    alice = sandbox.driver.add_user("alice")
    handle = await sandbox.driver.invoke(alice, "slow")
    url = f"{sandbox.api_url}/interactions/{handle.id}/{handle.record.token}/callback"
    body = {"type": 4, "data": {"content": "first"}}
    async with aiohttp.ClientSession() as session:

        async def post() -> tuple[int, dict[str, object]]:
            async with session.post(url, json=body, params={"with_response": "1"}) as response:
                return response.status, await response.json()

        answers = sorted(await asyncio.gather(post(), post()), key=lambda a: a[0])
    assert [status for status, _ in answers] == [200, 400]
    assert answers[1][1]["code"] == 40060
    assert (await tiny.first_failure()).code == 40060
    assert [m.content for m in sandbox.driver.messages(user=alice)] == ["first"]


async def test_persistent_dynamic_item_works_after_a_restart(sandbox: LocalDiscord) -> None:
    """A button sent by one bot process is handled by the next one through its custom_id."""
    d = sandbox.driver
    alice = d.add_user("alice")
    async with running(TinyBot(), sandbox.token):
        await d.invoke(alice, "pack")
        pack = await d.next_message(user=alice)
    async with running(TinyBot(), sandbox.token):
        clicked = await d.click(alice, pack, "pick:1")
        assert await clicked.acknowledged() == 7
        assert pack.content == "picked 1" and pack.components == []
    assert sandbox.gateway.identifies == 2
