"""The transcript: every conversation as one self-contained HTML page that reads like Discord.

Each guild channel and each DM is a section showing what its readers saw, in order: messages
with their embeds, components and files (images inline as data URIs), what users did
(commands, clicks, choices, modal submits, and whether the bot answered in time), ephemeral
answers marked with who saw them, and edits with every earlier version kept.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any

from bot.sandbox.html_parts import PartRenderer, el, esc
from bot.sandbox.interactions import COMMAND, COMPONENT, MODAL_SUBMIT, InteractionRecord
from bot.sandbox.model import Channel, Message, Revision
from bot.sandbox.snowflake import snowflake_time
from bot.sandbox.transcript_style import CSS
from bot.sandbox.world import World

PALETTE = ["#5865f2", "#3ba55c", "#faa61a", "#ed4245", "#eb459e", "#9b59b6", "#1abc9c", "#e67e22"]


def _find(components: list[dict[str, Any]], custom_id: str | None) -> dict[str, Any]:
    stack = list(components)
    while stack:
        item = stack.pop()
        if item.get("custom_id") == custom_id:
            return item
        stack.extend(item.get("components") or [])
    return {}


class _Page:
    def __init__(
        self, world: World, records: list[InteractionRecord], *, inline_images: bool
    ) -> None:
        self.world = world
        self.records = records
        self.parts = PartRenderer(self.name, inline_images=inline_images)

    def name(self, snowflake: int) -> str:
        if (user := self.world.users.get(snowflake)) is not None:
            return user.display_name
        if (channel := self.world.channels.get(snowflake)) is not None:
            return channel.name
        return str(snowflake)

    def title(self, channel: Channel) -> str:
        if channel.recipient_id is not None:
            return f"DM · {self.name(channel.recipient_id)}"
        guild = self.world.guilds.get(channel.guild_id or 0)
        return f"#{channel.name}" + (f" · {guild.name}" if guild else "")

    def avatar(self, user_id: int) -> str:
        colour = PALETTE[user_id % len(PALETTE)]
        initial = esc(self.name(user_id)[:1].upper())
        return el("div", initial, cls="avatar", style=f"background:{colour}")

    def history(self, message: Message) -> str:
        versions: list[Revision] = [r for r in message.revisions if r.kind != "delete"]
        if len(versions) < 2:
            return ""
        shown = "".join(
            el(
                "div",
                el("div", f"{r.kind} · {r.at:%H:%M:%S}", cls="rev-head")
                + (self.parts.state(r, r.at) or el("div", "(empty)", cls="muted")),
                cls="rev",
            )
            for r in versions
        )
        return el("details", el("summary", f"{len(versions)} versions") + shown, cls="history")

    def message(self, message: Message) -> str:
        by_bot = message.author_id == self.world.bot.id
        edits = sum(1 for r in message.revisions if r.kind == "edit")
        head = el("span", esc(self.name(message.author_id)), cls="name")
        head += el("span", "APP", cls="tag") if by_bot else ""
        head += el("span", f"{message.created_at:%H:%M:%S}", cls="time")
        if edits:
            head += el("span", "(edited)" if edits == 1 else f"(edited {edits}×)", cls="edited")
        shown: Message | Revision = message
        notes = []
        if message.visible_to is not None:
            who = esc(self.name(message.visible_to))
            notes.append(el("div", f"Only {who} can see this · ephemeral", cls="note"))
        if message.deleted:
            versions = [r for r in message.revisions if r.kind != "delete"]
            shown = versions[-1] if versions else message
            notes.append(el("div", f"Deleted at {message.revisions[-1].at:%H:%M:%S}", cls="note"))
        body = el("div", head, cls="head") + self.parts.state(shown, message.created_at)
        body += "".join(notes) + self.history(message)
        classes = "msg" + " ephemeral" * message.ephemeral + " deleted" * message.deleted
        return el("div", self.avatar(message.author_id) + el("div", body, cls="body"), cls=classes)

    def action(self, record: InteractionRecord) -> str:
        data = record.payload.get("data") or {}
        if record.type == COMMAND:
            words, options = [data.get("name", "")], data.get("options") or []
            while options and options[0].get("type") in (1, 2):
                words.append(options[0]["name"])
                options = options[0].get("options") or []
            chips = "".join(
                el("span", esc(f"{o['name']}: {o.get('value')}"), cls="opt") for o in options
            )
            what = "used " + el("b", esc("/" + " ".join(words))) + " " + chips
        elif record.type == COMPONENT:
            message = record.payload.get("message") or {}
            component = _find(message.get("components") or [], data.get("custom_id"))
            if data.get("values") is not None:
                labels = {o.get("value"): o.get("label") for o in component.get("options") or []}
                chosen = ", ".join(str(labels.get(v, v)) for v in data["values"])
                menu = component.get("placeholder") or data.get("custom_id")
                what = "chose " + el("b", esc(chosen)) + esc(f" in “{menu}”")
            else:
                what = "clicked " + el("b", esc(component.get("label") or data.get("custom_id")))
        elif record.type == MODAL_SUBMIT:
            rows = data.get("components") or []
            fields = [r.get("component") or (r.get("components") or [{}])[0] for r in rows]
            what = "submitted a form: " + esc(
                ", ".join(f"{f.get('custom_id')} = “{f.get('value')}”" for f in fields)
            )
        else:
            return ""
        if record.rejected and not record.acknowledged:
            error = record.rejected[0]
            what += el(
                "span",
                esc(f" ⚠ This interaction failed ({error.code} {error.message})"),
                cls="failed",
            )
        elif not record.acknowledged:
            what += el("span", " ⚠ never answered", cls="failed")
        at = el("span", f"{snowflake_time(record.id):%H:%M:%S}", cls="time")
        who = el("b", esc(self.name(record.user_id)))
        return el("div", f"{at} ⤷ {who} {what}", cls="action")

    def conversation(self, channel: Channel) -> str:
        ids = self.world.channel_messages.get(channel.id, [])
        items = [(i, self.message(self.world.messages[i])) for i in ids]
        items += [(r.id, self.action(r)) for r in self.records if r.channel_id == channel.id]
        body = "".join(part for _, part in sorted(items)) or el("div", "No messages.", cls="muted")
        return el("section", el("h2", esc(self.title(channel))) + body, id=f"c{channel.id}")


def render_transcript(
    world: World,
    records: Iterable[InteractionRecord],
    *,
    title: str = "draftpod transcript",
    summary: Mapping[str, object] | None = None,
    inline_images: bool = True,
) -> str:
    """The whole page; ``summary`` adds figures (label: value) to its header.

    ``inline_images=False`` shows images as file names, for a light page of a long session.
    """
    html, _ = _render(world, records, title, summary, inline_images, None)
    return html


def render_transcript_files(
    world: World,
    records: Iterable[InteractionRecord],
    *,
    title: str = "draftpod transcript",
    summary: Mapping[str, object] | None = None,
    image_folder: str = "images",
) -> tuple[str, dict[str, bytes]]:
    """The page with its images as separate files: ``(html, {relative path: bytes})``.

    For a long session whose images would make one page too heavy to open: each distinct image
    is one file under ``image_folder``, referenced by relative path.
    """
    return _render(world, records, title, summary, True, image_folder)


def _render(
    world: World,
    records: Iterable[InteractionRecord],
    title: str,
    summary: Mapping[str, object] | None,
    inline_images: bool,
    image_folder: str | None,
) -> tuple[str, dict[str, bytes]]:
    page = _Page(world, sorted(records, key=lambda r: r.id), inline_images=inline_images)
    active = {m.channel_id for m in world.messages.values()} | {r.channel_id for r in page.records}
    channels = sorted(
        (c for c in world.channels.values() if c.id in active),
        key=lambda c: (c.is_dm, c.guild_id or 0, c.position, page.title(c).lower()),
    )
    sections = "".join(page.conversation(c) for c in channels)
    nav = el("div", esc(title), cls="brand") + "".join(
        el(
            "a",
            esc(page.title(c)) + el("span", str(len(world.channel_messages.get(c.id, [])))),
            href=f"#c{c.id}",
        )
        for c in channels
    )
    messages = list(world.messages.values())
    figures = {
        "messages": len(messages),
        "edits": sum(1 for m in messages for r in m.revisions if r.kind == "edit"),
        "files": sum(len(m.attachments) for m in messages),
        "interactions": len(page.records),
        "failed interactions": sum(1 for r in page.records if r.rejected and not r.acknowledged),
        **(summary or {}),
    }
    tiles = "".join(el("div", el("b", esc(v)) + el("span", esc(k))) for k, v in figures.items())
    files: dict[str, bytes] = {}
    if image_folder is None:
        urls = {
            key: f"data:{a.content_type};base64,{base64.b64encode(a.data).decode()}"
            for key, a in page.parts.images.items()
        }
    else:
        urls = {}
        for key, a in page.parts.images.items():
            name = f"{image_folder}/{key}{PurePosixPath(a.filename).suffix.lower()}"
            files[name] = a.data
            urls[key] = name
    images = "".join(f".i{key}{{background-image:url({url})}}" for key, url in urls.items())
    generated = world.now().strftime("%Y-%m-%d %H:%M UTC")
    header = el("h1", esc(title)) + el(
        "div", f"Recorded by the local Discord · times in UTC · generated {generated}", cls="sub"
    )
    head = (
        '<meta charset="utf-8">' + el("title", esc(title))
        + '<meta name="viewport" content="width=device-width, initial-scale=1">'
        + el("style", CSS + images)
    )  # fmt: skip
    main = el("header", header + el("div", tiles, cls="figures")) + sections
    body = el("nav", nav) + el("main", main)
    page_html = "<!DOCTYPE html>" + el("html", el("head", head) + el("body", body), lang="en")
    return page_html, files
