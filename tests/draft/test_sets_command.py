"""`draftpod sets check`: a table of what loads, the failures, and the exit code that says so."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from draftpod.cli import main
from tests.draft.setfile_fixtures import mtgjson_doc

ROOT = Path(__file__).resolve().parent.parent.parent


def test_check_of_the_shipped_folder_prints_every_set(capsys: pytest.CaptureFixture[str]) -> None:
    """The default folder passes, and the table shows code, kind, boosters and ratings."""
    assert main(["sets", "check", str(ROOT / "sets")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["code", "name", "kind", "cards", "boosters", "ratings"]
    vow = next(line for line in out.splitlines() if line.startswith("VOW "))
    assert "retail" in vow and "default (+arena)" in vow and "17lands" in vow
    assert "no errors" in out


def test_check_of_a_folder_with_a_bad_file_lists_it_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad file is listed with its reason, the good one still shows, and the exit code is 1."""
    (tmp_path / "TST.json").write_text(json.dumps(mtgjson_doc()), encoding="utf-8")
    (tmp_path / "BAD.txt").write_text("Common 0\n0 Rare 0\n", encoding="utf-8")
    assert main(["sets", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "TST " in out and "BAD.txt: line 2: count must be between 1 and 99, not 0" in out


def test_check_of_one_file(capsys: pytest.CaptureFixture[str]) -> None:
    """A single file is checked alone."""
    assert main(["sets", "check", str(ROOT / "sets" / "DPS.yaml")]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[2].startswith("DPS ") and "rarity default" in rows[2] and len(rows) == 5


@pytest.mark.parametrize(
    "target", ["missing.json", "sets/NEO.draftmancer.json"], ids=["no-such-path", "companion"]
)
def test_check_refuses_paths_that_are_not_set_files(
    target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing path or a ratings/card-data file is a usage error (exit 2) with a reason."""
    assert main(["sets", "check", str(ROOT / target)]) == 2
    assert capsys.readouterr().err.startswith("draftpod: ")


def test_console_script_exit_code(tmp_path: Path) -> None:
    """Run as a process, the command exits non-zero when a file fails."""
    (tmp_path / "BAD.json").write_text("{", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "draftpod", "sets", "check", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and "BAD.json: line 1: not valid JSON" in done.stdout
