"""The demo's parts that need no processes: reading messages, the run folder, the figures."""

from __future__ import annotations

import asyncio
import io
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.sandbox.model import Attachment, Message, User
from draftpod.config import load_config
from draftpod.demo.options import DemoOptions, RunFolder
from draftpod.demo.players import Player, PodRun, is_draft_over, lobby_pod, offer_on
from draftpod.demo.progress import Progress, pod_line
from draftpod.demo.summary import build_summary, lateness_ms, percentiles, table, timeout_job_ids


def message(components: Sequence[dict[str, Any]] = (), files: tuple[str, ...] = ()) -> Message:
    return Message(
        id=1,
        channel_id=2,
        author_id=3,
        created_at=datetime.now(UTC),
        components=list(components),
        attachments=[Attachment(i, 2, name, "image/jpeg", b"") for i, name in enumerate(files)],
    )


def select(custom_id: str, n: int, **extra: Any) -> dict[str, Any]:
    options = [{"label": f"{i}. Card", "value": str(i)} for i in range(1, n + 1)]
    return {
        "type": 1,
        "components": [{"type": 3, "custom_id": custom_id, "options": options, **extra}],
    }


def test_a_pack_message_offers_its_select_and_its_numbers() -> None:
    offer = offer_on(message([select("pick:17:3:9", 7)]))
    assert offer is not None
    assert (offer.pod, offer.seat, offer.pick_no) == ("17", 3, 9)
    assert offer.values == ("1", "2", "3", "4", "5", "6", "7")


def test_no_offer_on_a_picked_a_disabled_or_a_foreign_message() -> None:
    assert offer_on(message()) is None
    assert offer_on(message([select("pick:17:3:9", 7, disabled=True)])) is None
    assert offer_on(message([select("pack:select", 3)])) is None


def test_the_lobby_buttons_carry_the_pod_id() -> None:
    buttons = {"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Join", "custom_id": "lobby:join:42"},
        {"type": 2, "style": 3, "label": "Start", "custom_id": "lobby:start:42"},
    ]}  # fmt: skip
    assert lobby_pod(message([buttons])) == "42"
    assert lobby_pod(message()) is None


def test_the_end_of_the_draft_is_the_pool_and_deck_dm() -> None:
    assert is_draft_over(message(files=("pool-42-s1.jpg", "Alice-deck.txt")))
    assert not is_draft_over(message(files=("pack-42-s1-p3.jpg",)))
    assert not is_draft_over(message([select("pick:42:1:3", 5)], files=("pool.jpg",)))


def test_percentiles_interpolate_and_say_when_nothing_was_measured() -> None:
    assert percentiles([]) == {"p50": None, "p99": None, "max": None, "count": 0}
    figures = percentiles(float(n) for n in range(1, 101))
    assert figures == {"p50": 50.5, "p99": 99.0, "max": 100.0, "count": 100}


def test_lateness_comes_from_due_and_fired_times() -> None:
    runs: list[dict[str, Any]] = [{"due_at": 10.0, "fired_at": 10.004}, {"due_at": 5.0}]
    assert [round(ms, 3) for ms in lateness_ms(runs)] == [4.0]


def test_preparing_a_run_folder_removes_only_what_a_run_leaves(tmp_path: Path) -> None:
    folder = RunFolder(tmp_path / "demo")
    folder.prepare()
    (folder.logs_dir / "Alice-old.txt").write_text("stale")
    folder.summary.write_text("{}")
    keep = folder.root / "notes.txt"
    keep.write_text("mine")
    folder.prepare()
    assert list(folder.logs_dir.iterdir()) == []
    assert not folder.summary.exists()
    assert keep.read_text() == "mine"


def test_options_that_cannot_run_are_named() -> None:
    config = load_config()
    good = DemoOptions(out=Path("x"))
    assert good.problems(config) == []
    assert good.bots == 4
    bad = DemoOptions(out=Path("x"), players=9, seats=8, pick_seconds=0)
    assert len(bad.problems(config)) == 2


async def test_progress_lines_and_the_summary_of_a_pod() -> None:
    user = User(5, "alice", "Alice")
    pod = PodRun(0, driver=None, channel=None, users=[user], options={})  # type: ignore[arg-type]
    player = Player(
        None,  # type: ignore[arg-type]
        user,
        random.Random(1),
        pick_seconds=4,
        slow_share=0.0,
        dawdler=False,
        finished=asyncio.Event(),
        wait_timeout=1,
    )
    pod.players.append(player)
    pod.pod = "7"
    pod.status = "drafting"
    player.stats.pack_size = 15
    player.stats.chosen, player.stats.autopicks, player.stats.last_pick_no = 9, 1, 11
    player.stats.offers.append(offer_on(message([select("pick:7:0:11", 5)])))  # type: ignore[arg-type]
    assert pod_line(pod, 3) == (
        "pod 7    drafting  pick 11/45  picks 10/45  holding 0  waiting 1  auto 1  done 0/1"
    )
    assert timeout_job_ids([pod]) == ["pick_timeout:7:0:11"]
    stream = io.StringIO()
    Progress([pod], 3, stream).close()
    assert stream.getvalue().startswith("pod 7")
    summary = build_summary(
        options={}, pods=[pod], checks=[], lateness=[3.0], api_calls=20, interaction_calls=10,
        calls_by_route={}, drafting_seconds=1.0, total_seconds=2.0, scheduler_metrics={},
        errors=[],
    )  # fmt: skip
    assert summary["completed"] is False  # no log was checked
    assert summary["api_calls_per_pick"] == 2.0
    assert "time-out lateness" in table(summary)
