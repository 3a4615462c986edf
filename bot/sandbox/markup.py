"""Discord's message markdown as HTML, for the transcript: enough to read what players saw.

Mentions and ``<t:unix:style>`` timestamps are resolved first (timestamps relative to the
moment the message was written, which is what its reader saw), then the text is escaped and
the common markdown applied: code, bold, italic, underline, strike, quotes, headings, links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime

TOKEN = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>|<@!?(\d+)>|<#(\d+)>|`([^`\n]+)`")
INLINE = [
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"__(.+?)__"), r"<u>\1</u>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"), r"<em>\1</em>"),
    (re.compile(r"~~(.+?)~~"), r"<s>\1</s>"),
    (re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)"), r'<a href="\2">\1</a>'),
]
FORMATS = {
    "t": "%H:%M",
    "T": "%H:%M:%S",
    "d": "%d/%m/%Y",
    "D": "%d %B %Y",
    "f": "%d %B %Y %H:%M",
    "F": "%A, %d %B %Y %H:%M",
}


def relative(moment: datetime, now: datetime) -> str:
    seconds = round((moment - now).total_seconds())
    span = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if span >= size or unit == "second":
            count = span // size
            text = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {text}" if seconds >= 0 else f"{text} ago"
    raise AssertionError("unreachable")


def render(text: str, *, names: Callable[[int], str], written: datetime) -> str:
    """HTML for one message's content; ``names`` resolves user and channel ids."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        unix, style, user, channel, code = match.groups()
        if unix is not None:
            moment = datetime.fromtimestamp(int(unix), UTC)
            shown = (
                relative(moment, written)
                if style == "R"
                else moment.strftime(FORMATS[style or "f"])
            )
            kept.append(
                f'<span class="ts" title="{moment.isoformat()}">{html.escape(shown)}</span>'
            )
        elif user is not None:
            kept.append(f'<span class="mention">@{html.escape(names(int(user)))}</span>')
        elif channel is not None:
            kept.append(f'<span class="mention">#{html.escape(names(int(channel)))}</span>')
        else:
            kept.append(f"<code>{html.escape(code)}</code>")
        return f"\x00{len(kept) - 1}\x00"

    lines = []
    for line in TOKEN.sub(keep, text).split("\n"):
        escaped = html.escape(line, quote=False)
        for pattern, replacement in INLINE:
            escaped = pattern.sub(replacement, escaped)
        if escaped.startswith("&gt; "):
            escaped = f"<blockquote>{escaped[5:]}</blockquote>"
        elif escaped.startswith("-# "):
            escaped = f'<span class="subtext">{escaped[3:]}</span>'
        elif match := re.match(r"(#{1,3}) (.*)", escaped):
            level = len(match[1])
            escaped = f"<h{level + 2}>{match[2]}</h{level + 2}>"
        lines.append(escaped)
    joined = "<br>".join(lines).replace("</blockquote><br>", "</blockquote>")
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m[1])], joined)
