"""The async API: rendering runs in the renderer's threads while the event loop keeps going."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from bot.draft.cards import Card
from bot.render import PackHeader, Renderer
from bot.render.images import ImageLibrary
from tests.render import cards
from tests.render.conftest import make_renderer


class GatedLibrary(ImageLibrary):
    """Finds no images, but holds the first look-up until the test opens the gate."""

    def __init__(self, sets_dir: Path) -> None:
        super().__init__(sets_dir)
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.threads: set[str] = set()

    def find(self, card: Card) -> Path | None:
        self.threads.add(threading.current_thread().name)
        self.entered.set()
        if not self.gate.wait(timeout=10):
            raise TimeoutError("the gate was never opened: the event loop was blocked")
        return super().find(card)


async def test_pack_renders_off_the_event_loop(tmp_path: Path) -> None:
    """While a pack renders, the loop runs other tasks: it is the loop that opens the gate."""
    with make_renderer(tmp_path) as renderer:
        library = GatedLibrary(tmp_path / "sets")
        renderer.images = library
        rendering = asyncio.create_task(
            renderer.pack_async(list(cards.ALL.values()), PackHeader("Pod 9", 1, 1))
        )
        entered = await asyncio.to_thread(library.entered.wait, 10)
        assert entered and not rendering.done()
        library.gate.set()
        image = await asyncio.wait_for(rendering, timeout=30)
    assert image.width > 0 and len(image.data) > 0
    assert library.threads and all(name.startswith("draftpod-render") for name in library.threads)
    assert threading.current_thread().name not in library.threads


async def test_async_and_sync_give_the_same_image(renderer: Renderer) -> None:
    """The async twins return exactly what the synchronous methods do."""
    pack = [cards.SPLIT, cards.GOLD, cards.BASIC]
    header = PackHeader("Pod 4", 3, 13)
    assert (await renderer.pack_async(pack, header)).data == renderer.pack(pack, header).data
    assert (await renderer.pool_async(pack, "P")).data == renderer.pool(pack, "P").data
    assert (await renderer.card_image_async(cards.GOLD)).data == renderer.card_image(
        cards.GOLD
    ).data
    face = await renderer.face_async(cards.GOLD)
    assert face is renderer.face(cards.GOLD)


async def test_renders_run_side_by_side(renderer: Renderer) -> None:
    """Several packs requested at once all complete, on the renderer's worker threads."""
    packs = [[card] * 5 for card in cards.ALL.values()]
    images = await asyncio.gather(
        *(renderer.pack_async(pack, PackHeader("Pod 5", 1, n)) for n, pack in enumerate(packs))
    )
    assert [image.filename for image in images] == [
        f"pack-1-pick-{n}.jpg" for n in range(len(packs))
    ]


async def test_close_stops_the_workers(tmp_path: Path) -> None:
    """After close() no render thread is left running."""
    renderer = make_renderer(tmp_path)
    await renderer.pack_async([cards.CREATURE], PackHeader("Pod 6", 1, 1))
    renderer.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("draftpod-render")]
