"""HTML for the parts of a message: content, embeds, components and files.

Images are referenced by a CSS class and emitted once per page as a data URI, so a pack image
shown in several versions of a message is stored in the transcript only once.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from bot.sandbox import markup
from bot.sandbox.model import LOADING, Attachment, Message, Revision

BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium"}
SELECTS = {3, 5, 6, 7, 8}
IMAGE_WIDTH_MAX = 640


def esc(value: object) -> str:
    return html.escape(str(value))


def el(name: str, body: str = "", cls: str = "", **attrs: object) -> str:
    """One element; ``body`` is trusted HTML, attribute values are escaped."""
    pairs = ([("class", cls)] if cls else []) + [(k.rstrip("_"), v) for k, v in attrs.items()]
    rendered = "".join(f' {key}="{esc(value)}"' for key, value in pairs)
    return f"<{name}{rendered}>{body}</{name}>"


def file_size(size: int) -> str:
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} B"


def embedded_files(embeds: Iterable[dict[str, Any]]) -> set[str]:
    """Files an embed shows itself (``attachment://name``); Discord hides them below."""
    urls = [(e.get(k) or {}).get("url") for e in embeds for k in ("image", "thumbnail")]
    return {u.removeprefix("attachment://") for u in urls if isinstance(u, str)}


class PartRenderer:
    """``images`` maps a content hash to the image: the same bytes uploaded twice (a pack sent
    again after a restart) are stored once. Without ``inline_images`` images become file chips."""

    def __init__(self, names: Callable[[int], str], *, inline_images: bool = True) -> None:
        self.names = names
        self.inline_images = inline_images
        self.images: dict[str, Attachment] = {}

    def text(self, content: str, written: datetime) -> str:
        return markup.render(content, names=self.names, written=written)

    def image(self, attachment: Attachment) -> str:
        if not (self.inline_images and attachment.width and attachment.height):
            return self.file(attachment)
        key = hashlib.sha256(attachment.data).hexdigest()[:16]
        self.images.setdefault(key, attachment)
        width = min(attachment.width, IMAGE_WIDTH_MAX)
        ratio = f"{attachment.width}/{attachment.height}"
        style = f"width:{width}px;aspect-ratio:{ratio}"
        return el("div", cls=f"img i{key}", title=attachment.filename, style=style)

    @staticmethod
    def file(attachment: Attachment) -> str:
        body = el("i", "FILE") + " " + el("b", esc(attachment.filename))
        return el("div", body + " " + el("span", file_size(attachment.size)), cls="file")

    def files(self, attachments: Iterable[Attachment], embeds: Iterable[dict[str, Any]]) -> str:
        hidden = embedded_files(embeds)
        return "".join(
            (self.image(a) if a.content_type.startswith("image/") else self.file(a))
            for a in attachments
            if a.filename not in hidden
        )

    def media(self, url: str | None, attachments: Iterable[Attachment], cls: str) -> str:
        if not url:
            return ""
        name = url.removeprefix("attachment://")
        found = next((a for a in attachments if a.filename == name), None)
        return el("div", self.image(found) if found else el("a", esc(url), href=url), cls=cls)

    def embed(self, embed: dict[str, Any], files: list[Attachment], written: datetime) -> str:
        colour = embed.get("color")
        bar = f"#{colour:06x}" if isinstance(colour, int) else "#1e1f22"
        parts = []
        if author := (embed.get("author") or {}).get("name"):
            parts.append(el("div", esc(author), cls="e-author"))
        if title := embed.get("title"):
            parts.append(el("div", self.text(title, written), cls="e-title"))
        if description := embed.get("description"):
            parts.append(el("div", self.text(description, written), cls="e-desc"))
        fields = "".join(
            el(
                "div",
                el("b", self.text(f.get("name", ""), written))
                + el("div", self.text(f.get("value", ""), written)),
                cls="e-field inline" if f.get("inline") else "e-field",
            )
            for f in embed.get("fields") or []
        )
        if fields:
            parts.append(el("div", fields, cls="e-fields"))
        parts.append(self.media((embed.get("image") or {}).get("url"), files, "e-image"))
        if footer := (embed.get("footer") or {}).get("text"):
            parts.append(el("div", esc(footer), cls="e-footer"))
        thumbnail = self.media((embed.get("thumbnail") or {}).get("url"), files, "e-thumb")
        body = el("div", "".join(parts), cls="e-main") + thumbnail
        return el("div", body, cls="embed", style=f"border-color:{bar}")

    def component(self, item: dict[str, Any], files: list[Attachment], written: datetime) -> str:
        """Action rows, buttons and selects; Components V2 text, sections and media."""
        kind = item.get("type")
        inner = "".join(self.component(c, files, written) for c in item.get("components") or [])
        disabled = " disabled" if item.get("disabled") else ""
        if kind == 1:
            return el("div", inner, cls="row")
        if kind == 2:
            emoji = esc((item.get("emoji") or {}).get("name") or "")
            style = BUTTON_STYLES.get(item.get("style", 2), "secondary")
            return el(
                "span", f"{emoji} {esc(item.get('label') or '')}", cls=f"btn {style}{disabled}"
            )
        if kind in SELECTS:
            return self.select(item, disabled)
        if kind == 10:
            return el("div", self.text(item.get("content", ""), written), cls="v2-text")
        if kind == 9:
            accessory = self.component(item.get("accessory") or {}, files, written)
            return el("div", el("div", inner) + accessory, cls="v2-section")
        if kind == 17:
            return el("div", el("div", inner, cls="e-main"), cls="embed v2")
        if kind == 14:
            return "<hr>"
        if kind == 11:
            return self.media((item.get("media") or {}).get("url"), files, "e-image")
        if kind == 12:
            urls = [(i.get("media") or {}).get("url") for i in item.get("items") or []]
            return "".join(self.media(u, files, "e-image") for u in urls)
        return ""

    def select(self, item: dict[str, Any], disabled: str) -> str:
        options = item.get("options") or []
        rows = "".join(
            el("li", esc(o.get("label")) + el("span", esc(o.get("description") or "")))
            for o in options
        )
        placeholder = esc(item.get("placeholder") or "Make a selection")
        box = el("div", placeholder + el("span", "▾"), cls="sel-box")
        listing = ""
        if options:
            listing = el("details", el("summary", f"{len(options)} options") + el("ol", rows))
        return el("div", box + listing, cls=f"select{disabled}")

    def state(self, state: Message | Revision, written: datetime) -> str:
        """One version of a message: what a reader saw at that moment."""
        files = list(state.attachments)
        parts = []
        if state.flags & LOADING:
            parts.append(el("div", el("i", "thinking…"), cls="content muted"))
        if state.content:
            parts.append(el("div", self.text(state.content, written), cls="content"))
        parts.extend(self.embed(e, files, written) for e in state.embeds)
        parts.append(self.files(files, state.embeds))
        parts.extend(self.component(c, files, written) for c in state.components)
        return "".join(parts)
