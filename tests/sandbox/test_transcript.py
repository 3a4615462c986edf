"""The transcript page: self-contained, every version kept, what each player saw marked."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sandbox import LocalDiscord
from bot.sandbox.markup import render

from .tiny_bot import TinyBot, png

WRITTEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


async def test_transcript_of_a_session(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """Packs inline once, ephemeral answers and failed interactions marked, user text escaped."""
    d = sandbox.driver
    alice = d.add_user("alice", global_name="Alice")
    await (await d.invoke(alice, "pack")).message()
    pack = await d.next_message(user=alice)
    await (await d.click(alice, pack, "pick:1")).acknowledged()
    await d.send_dm(alice, "<script>alert('x')</script> **bold**")
    sandbox.interactions.deadline = 0.05
    tiny.slow_seconds = 0.1
    await (await d.invoke(alice, "slow")).rejection()
    page = d.transcript_html(title="Sample draft", summary={"api_calls_per_pick": 1.5})
    encoded = base64.b64encode(png()).decode()
    assert page.count(encoded) == 1
    assert re.search(r"<(script|link|iframe)\b", page) is None
    assert 'src="http' not in page and "url(http" not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt; <strong>bold</strong>" in page
    assert "Only Alice can see this" in page
    assert "This interaction failed (10062 Unknown interaction)" in page
    assert "clicked <b>Pick 1</b>" in page
    assert "2 versions" in page
    assert "DM · Alice" in page
    assert "api_calls_per_pick" in page
    light = d.transcript_html(inline_images=False)
    assert encoded not in light and "pack.png" in light


async def test_identical_images_are_stored_once(sandbox: LocalDiscord, tiny: TinyBot) -> None:
    """The same pack image sent twice (as after a restart) is one data URI in the page."""
    d = sandbox.driver
    alice = d.add_user("alice")
    for _ in range(2):
        await (await d.invoke(alice, "pack")).message()
    page = d.transcript_html()
    assert page.count(base64.b64encode(png()).decode()) == 1
    assert page.count('class="img ') == 2


@pytest.mark.parametrize(
    ("text", "html"),
    [
        pytest.param("**bold** and *it*", "<strong>bold</strong> and <em>it</em>", id="emphasis"),
        pytest.param("`a < b`", "<code>a &lt; b</code>", id="code-escaped"),
        pytest.param("~~gone~~ __under__", "<s>gone</s> <u>under</u>", id="strike-underline"),
        pytest.param(
            "<t:1714564875:R>",
            '<span class="ts" title="2024-05-01T12:01:15+00:00">in 1 minute</span>',
            id="relative-time",
        ),
        pytest.param(
            "<t:1714564800:t>",
            '<span class="ts" title="2024-05-01T12:00:00+00:00">12:00</span>',
            id="short-time",
        ),
        pytest.param("<@42>", '<span class="mention">@user42</span>', id="mention"),
        pytest.param("> quoted", "<blockquote>quoted</blockquote>", id="quote"),
        pytest.param("-# small", '<span class="subtext">small</span>', id="subtext"),
        pytest.param("a\nb", "a<br>b", id="newline"),
        pytest.param("2*3*4", "2*3*4", id="bare-asterisks"),
    ],
)
def test_markup(text: str, html: str) -> None:
    """Discord's markdown becomes the HTML a reader would expect."""
    assert render(text, names=lambda i: f"user{i}", written=WRITTEN) == html


async def test_a_transcript_can_keep_its_images_as_files_beside_it(
    sandbox: LocalDiscord, tiny: TinyBot, tmp_path: Path
) -> None:
    """Each distinct image is written once under images/ and the page refers to it there."""
    d = sandbox.driver
    alice = d.add_user("alice")
    await (await d.invoke(alice, "pack")).acknowledged()
    await (await d.invoke(alice, "pack")).acknowledged()
    written = d.write_transcript(tmp_path / "page.html", title="files")
    page, *images = written
    assert len(images) == 1 and images[0].parent.name == "images"
    assert images[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = page.read_text()
    assert f"url(images/{images[0].name})" in text and "base64" not in text
