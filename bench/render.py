"""Benchmark of the renderer: a 15-card pack image, warm and cold face cache, bytes per image.

Every figure is printed next to a baseline measured in the same run: pasting 15 already decoded
faces onto a canvas of the pack's size and encoding it the same way, which is the least any pack
image costs. Targets: a warm pack under 30 ms and under 1 MB.

    python bench/render.py [--rounds N] [--set NEO] [--seed 3]
"""

from __future__ import annotations

import argparse
import functools
import io
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.draft.cards import Card  # noqa: E402
from bot.draft.collation import open_packs  # noqa: E402
from bot.render import PackHeader, Renderer, geometry  # noqa: E402
from bot.render.encode import IMAGE_FORMATS, ImageFormat, encode  # noqa: E402
from bot.render.pack import BACKGROUND, cell_origin, compose_pack, pack_size  # noqa: E402
from bot.sets import load_catalog  # noqa: E402

HEADER = PackHeader("Pod 1", 1, 1)
QUALITY = 88


def _time(function: Callable[[], object], rounds: int) -> float:
    """Median milliseconds of ``rounds`` calls."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _renderer(folder: Path, fmt: ImageFormat = "jpeg") -> Renderer:
    return Renderer(
        sets_dir=ROOT / "sets",
        cache_dir=folder,
        cache_max_bytes=256 * 1024 * 1024,
        memory_faces=512,
        max_image_pixels=40_000_000,
        image_format=fmt,
        image_quality=QUALITY,
    )


def _baseline(faces: list[Image.Image], fmt: ImageFormat) -> int:
    canvas = Image.new("RGB", pack_size(len(faces)), BACKGROUND)
    for index, face in enumerate(faces):
        canvas.paste(face, cell_origin(index))
    return len(encode(canvas, "baseline", fmt, QUALITY).data)


def _with_art(face: Image.Image, seed: int) -> Image.Image:
    """A face with photographic-looking art over its art band and half its text box, standing in
    for a real card scan (blurred noise compresses about as badly as an illustration)."""
    art = Image.effect_noise((262, 180), 60 + seed).filter(ImageFilter.GaussianBlur(2))
    tinted = Image.merge(
        "RGB", (art, art.rotate(90, expand=False), art.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    )
    copy = face.copy()
    copy.paste(tinted, (19, 54))
    return copy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--set", dest="set_code", default="NEO")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    catalog = load_catalog(ROOT / "sets")
    pack: tuple[Card, ...] = open_packs(catalog.get(args.set_code), 1, 1, random.Random(args.seed))[
        0
    ][0]
    print(f"pack: {args.set_code} seed {args.seed}, {len(pack)} cards, faces {geometry.FACE_SIZE}")
    print(f"image: {pack_size(len(pack))[0]}x{pack_size(len(pack))[1]}, median of {args.rounds}\n")

    with tempfile.TemporaryDirectory() as scratch:
        warm = _renderer(Path(scratch) / "warm")
        faces = [warm.face(card) for card in pack]
        baseline = _time(lambda: _baseline(faces, "jpeg"), args.rounds)
        warm_ms = _time(lambda: warm.pack(pack, HEADER), args.rounds)

        def from_disk() -> None:
            warm.cache.clear_memory()
            warm.pack(pack, HEADER)

        disk_ms = _time(from_disk, args.rounds)
        cold_rounds = max(3, args.rounds // 3)
        folders = iter(range(cold_rounds))
        cold_ms = _time(
            lambda: _renderer(Path(scratch) / f"cold{next(folders)}").pack(pack, HEADER),
            cold_rounds,
        )
        size = len(warm.pack(pack, HEADER).data)

    print(f"{'pack image (jpeg q88)':34} {'ms':>8} {'x baseline':>11}")
    print(f"{'baseline: paste 15 faces + encode':34} {baseline:8.1f} {1:11.2f}")
    for label, ms in (
        ("warm: faces in memory", warm_ms),
        ("disk: faces read from the disk cache", disk_ms),
        ("cold: every face drawn", cold_ms),
    ):
        print(f"{label:34} {ms:8.1f} {ms / baseline:11.2f}")
    print(f"\nwarm pack: {warm_ms:.1f} ms (target < 30), {size / 1024:.0f} KiB (target < 1024)\n")

    print(f"{'format':8} {'faces':12} {'encode ms':>10} {'KiB':>8} {'x jpeg ms':>10}")
    for kind, sample in (
        ("drawn", faces),
        ("with art", [_with_art(face, n) for n, face in enumerate(faces)]),
    ):
        image = compose_pack(sample, HEADER)
        rows = []
        for fmt in IMAGE_FORMATS:
            ms = _time(functools.partial(encode, image, "p", fmt, QUALITY), args.rounds)
            data = encode(image, "p", fmt, QUALITY).data
            Image.open(io.BytesIO(data)).verify()
            rows.append((fmt, ms, len(data)))
        jpeg_ms = next(ms for fmt, ms, _ in rows if fmt == "jpeg")
        for fmt, ms, size in rows:
            print(f"{fmt:8} {kind:12} {ms:10.1f} {size / 1024:8.0f} {ms / jpeg_ms:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
