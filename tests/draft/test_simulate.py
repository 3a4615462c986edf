"""``draftpod simulate`` on the shipped sets: a whole draft, logs that read back, clear refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.draft.exports import read_pod_log
from bot.draft.mtgo_log import parse_mtgo_log
from bot.draft.pod import replay
from bot.sets import load_catalog
from draftpod.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.yaml"
    logs = tmp_path / "configured-logs"
    path.write_text(
        json.dumps({"paths": {"sets_dir": str(ROOT / "sets"), "logs_dir": str(logs)}}),
        encoding="utf-8",
    )
    return path


def simulate(config_file: Path, *args: str) -> int:
    return main(["--config", str(config_file), "simulate", *args])


def test_a_neo_draft_writes_a_log_per_seat_and_a_json_log(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Eight bots draft NEO; each MTGO log reads back as 45 picks and the JSON log replays."""
    out = tmp_path / "out"
    assert (
        simulate(config_file, "--set", "neo", "--players", "8", "--seed", "1", "--logs", str(out))
        == 0
    )
    texts = sorted(out.glob("*.txt"))
    assert len(texts) == 8
    owners = set()
    for path in texts:
        assert path.name.endswith("-1-NEONEONEO.txt")
        log = parse_mtgo_log(path.read_bytes().decode("utf-8"))
        owners.add(log.owner)
        assert len(log.picks) == 45 and log.headers == ("NEO", "NEO", "NEO")
    assert owners == {f"Bot {i}" for i in range(1, 9)}
    (json_path,) = out.glob("*.json")
    pod_log = read_pod_log(json_path.read_text(encoding="utf-8"))
    neo = load_catalog(ROOT / "sets").get("NEO")
    pod = replay(pod_log.seed, neo, pod_log.seats, pod_log.picks)
    assert pod.finished and len(pod.picks) == 360
    printed = capsys.readouterr().out
    assert "8 seats, 3 packs of 15, seed 1, 360 picks" in printed
    assert "Wrote 9 files" in printed and json_path.name in printed


def test_the_same_seed_drafts_the_same_picks(config_file: Path, tmp_path: Path) -> None:
    """Two runs with one seed make the same picks, pick for pick."""
    runs = []
    for name in ("a", "b"):
        simulate(
            config_file,
            "--set",
            "VOW",
            "--players",
            "3",
            "--seed",
            "9",
            "--logs",
            str(tmp_path / name),
        )
        (json_path,) = (tmp_path / name).glob("*.json")
        runs.append(read_pod_log(json_path.read_text(encoding="utf-8")).picks)
    assert runs[0] == runs[1] and len(runs[0]) == 3 * 3 * 15


def test_logs_default_to_the_configured_folder(config_file: Path, tmp_path: Path) -> None:
    """Without --logs the files go to paths.logs_dir; --packs changes the rounds."""
    assert (
        simulate(config_file, "--set", "AHC1", "--players", "2", "--seed", "3", "--packs", "1") == 0
    )
    written = sorted(p.name for p in (tmp_path / "configured-logs").iterdir())
    assert len(written) == 3 and all("-3-AHC1." in name for name in written)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "XYZ"], "unknown set 'XYZ'"),
        (["--set", "NEO", "--players", "9"], "--players must be between 2 and 8"),
        (["--set", "NEO", "--packs", "0"], "--packs must be at least 1"),
    ],
    ids=["unknown set", "too many players", "no packs"],
)
def test_bad_arguments_are_refused_and_write_nothing(
    config_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    """A bad request exits 2 with one clear sentence and writes no file."""
    out = tmp_path / "out"
    assert simulate(config_file, *args, "--logs", str(out)) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_the_console_script_runs_the_main_job(config_file: Path, tmp_path: Path) -> None:
    """``python -m draftpod simulate`` (what ``make demo`` runs) works as a real process."""
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "draftpod",
            "--config",
            str(config_file),
            "simulate",
            "--set",
            "NEO",
            "--players",
            "8",
            "--seed",
            "1",
            "--logs",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "360 picks" in result.stdout and len(list(out.iterdir())) == 9
