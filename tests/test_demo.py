"""``draftpod demo`` end to end: real scheduler and bot processes against the local Discord."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from draftpod import cli
from draftpod.demo import stack

SMALL = ["--pods", "1", "--players", "2", "--seats", "2", "--packs", "1", "--pick-time", "2"]


@pytest.mark.slow
def test_a_small_demo_drafts_to_the_end_and_leaves_its_figures(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    assert cli.main(["demo", "--out", str(out), "--quiet", *SMALL]) == 0

    summary = json.loads((out / "summary.json").read_text())
    assert summary["completed"] is True
    assert summary["errors"] == []
    assert (summary["pods"], summary["players"]) == (1, 2)
    pack_size = summary["picks"] // 2
    assert pack_size >= 10 and summary["picks"] == summary["chosen"] + summary["autopicks"]
    assert summary["autopicks"] >= 1  # the dawdler always lets its first pick run out
    for name in ("pick_to_next_pack_ms", "timer_lateness_ms"):
        figure = summary[name]
        assert figure["count"] >= 1
        assert 0 <= figure["p50"] <= figure["p99"] <= figure["max"]
    assert summary["timer_lateness_ms"]["count"] == summary["scheduler"]["runs_fired"]
    assert summary["api_calls_per_pick"] > 0 and summary["interaction_calls_per_pick"] > 0

    (pod,) = summary["by_pod"]
    assert pod["status"] == "finished" and pod["missing_logs"] == []
    assert sorted(pod["logs"]) == ["Alice", "Bruno"]
    for file_name in pod["logs"].values():
        assert (out / "logs" / file_name).stat().st_size > 0
    assert "<html" in (out / "transcript.html").read_text()[:500].lower()
    for log in ("scheduler.log", "bot.log"):
        assert (out / log).read_text().rstrip().endswith("exited with code 0")


def test_a_bot_that_cannot_start_fails_the_demo_and_stops_the_scheduler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: stack.Stack, config: Path, local_discord: str) -> list[str]:
        return [
            sys.executable,
            "-c",
            "import sys; print('no bot here', file=sys.stderr); sys.exit(4)",
        ]

    monkeypatch.setattr(stack.Stack, "bot_argv", broken)
    out = tmp_path / "demo"
    assert cli.main(["demo", "--out", str(out), "--quiet", *SMALL]) == 1
    assert "bot exited with code 4 before it was ready" in capsys.readouterr().err
    assert json.loads((out / "summary.json").read_text())["completed"] is False
    assert (out / "scheduler.log").read_text().rstrip().endswith("scheduler exited with code 0")
