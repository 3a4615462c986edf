"""``draftpod render pack|pool``: images written for a person to look at, bad input refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from bot.draft.mtgo_log import LoggedPick, MtgoLog, format_mtgo_log
from draftpod.cli import main

ROOT = Path(__file__).resolve().parents[2]
REAL_LOG = ROOT / "tests" / "data" / "draftlogs" / "MTGO_LOG-2023.10.4-7723-27320475-C03C03C03.txt"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """Settings with a sets folder holding NEO and the example custom set, state in tmp_path."""
    sets = tmp_path / "sets"
    sets.mkdir()
    for name in ("NEO.json", "DPS.yaml"):
        shutil.copy(ROOT / "sets" / name, sets / name)
    path = tmp_path / "settings.yaml"
    path.write_text(f"paths:\n  sets_dir: {sets}\n  var_dir: {tmp_path / 'var'}\n")
    return path


def test_render_pack(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A seeded pack of a set is written as a numbered image, and its cards are listed."""
    out = tmp_path / "pack.png"
    assert (
        main(
            [
                "--config",
                str(config),
                "render",
                "pack",
                "--set",
                "neo",
                "--seed",
                "3",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    image = Image.open(out)
    assert image.format == "PNG" and image.size == (1580, 1353)
    printed = capsys.readouterr().out
    assert "NEO seed 3: 15 cards" in printed and " 15. " in printed and str(out) in printed
    assert (tmp_path / "var" / "render_cache").is_dir()


def test_render_pack_is_reproducible(config: Path, tmp_path: Path) -> None:
    """The same seed writes the same pack image."""
    first, second = tmp_path / "a.jpg", tmp_path / "b.jpg"
    for out in (first, second):
        assert (
            main(
                [
                    "--config",
                    str(config),
                    "render",
                    "pack",
                    "--set",
                    "DPS",
                    "--seed",
                    "9",
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
    assert first.read_bytes() == second.read_bytes()
    assert Image.open(first).format == "JPEG"


def test_render_cards(config: Path, tmp_path: Path) -> None:
    """Named cards of a set are written as one sheet of faces."""
    out = tmp_path / "cards.png"
    arguments = ["render", "cards", "--set", "NEO", "Jukai Preserver", "Forest", "--out", str(out)]
    assert main(["--config", str(config), *arguments]) == 0
    assert Image.open(out).size == (2 * 16 + 2 * 300 + 12, 2 * 16 + 419)


def test_render_cards_names_the_unknown(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A name the set does not have is refused by name, and nothing is written."""
    assert main(["--config", str(config), "render", "cards", "--set", "NEO", "Forest", "Nope"]) == 2
    assert "not in NEO: Nope" in capsys.readouterr().err


def _log(tmp_path: Path, names: list[str]) -> Path:
    picks = tuple(LoggedPick(1, n + 1, (name, "Island"), 0) for n, name in enumerate(names))
    log = MtgoLog("1", "11/23/2026 18:00:00", ("Ann", "Bo"), 0, ("NEO",), picks)
    path = tmp_path / "draft.txt"
    path.write_text(format_mtgo_log(log), encoding="utf-8")
    return path


def test_render_pool_from_a_log(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The owner's picks in a log become a deck-view image; known names find their cards."""
    log = _log(tmp_path, ["Jukai Preserver", "Befriending the Moths", "Forest", "Not A Card"])
    out = tmp_path / "pool.webp"
    assert (
        main(["--config", str(config), "render", "pool", "--log", str(log), "--out", str(out)]) == 0
    )
    assert Image.open(out).format == "WEBP"
    printed = capsys.readouterr().out
    assert "Ann: 4 picks, 3 found" in printed and "Not A Card" in printed


def test_render_pool_from_a_real_log(config: Path, tmp_path: Path) -> None:
    """A real MTGO log of a cube no loaded set has still renders, every card shown by name."""
    out = tmp_path / "pool.jpg"
    assert (
        main(["--config", str(config), "render", "pool", "--log", str(REAL_LOG), "--out", str(out)])
        == 0
    )
    assert Image.open(out).mode == "RGB"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["pack", "--set", "XYZ"], "no set 'XYZ'", id="unknown set"),
        pytest.param(
            ["pack", "--set", "NEO", "--out", "x.gif"], "--out must end in", id="bad suffix"
        ),
        pytest.param(["pool", "--log", "missing.txt"], "cannot read", id="missing log"),
    ],
)
def test_bad_input_is_refused(
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    message: str,
) -> None:
    """Bad input gets a clear message, exit status 2, and no file."""
    assert main(["--config", str(config), "render", *arguments]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.glob("*.gif"))


def test_garbled_log_is_refused(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not an MTGO log is refused with the reader's reason."""
    log = tmp_path / "notes.txt"
    log.write_text("just some notes\n")
    assert main(["--config", str(config), "render", "pool", "--log", str(log)]) == 2
    assert "notes.txt: line" in capsys.readouterr().err
