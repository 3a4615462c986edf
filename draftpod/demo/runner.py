"""The order of a demo run, and its exit code.

1. A clean run folder and its settings file.
2. The stack: scheduler, local Discord with a guild, a channel and the players, then the bot.
3. Each pod's first player runs ``/draft create``; the others join; the first presses Start.
4. Every player drafts from its DMs while one line per pod shows the progress.
5. The pods' MTGO logs are checked, the scheduler asked how late its time-outs fired, the
   transcript and ``summary.json`` written, the table printed; everything is stopped.

Exit code 0 only if every pod finished and every simulated player's MTGO log holds its whole
draft; 1 otherwise (a child died, a player got stuck, a log is missing); 2 for bad options.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from draftpod.config import Config
from draftpod.demo.options import DemoOptions, RunFolder
from draftpod.demo.players import Player, PodRun
from draftpod.demo.progress import Progress
from draftpod.demo.scheduler_api import SchedulerApi
from draftpod.demo.stack import ChildDied, Stack
from draftpod.demo.summary import (
    LogCheck,
    build_summary,
    check_logs,
    lateness_ms,
    table,
    timeout_job_ids,
    write_summary,
)
from draftpod.processes import ChildFailed

log = logging.getLogger("draftpod.demo")

ENDED = frozenset({"finished", "cancelled", "expired"})
REFRESH_SECONDS = 1.0
SETTLE_SECONDS = 15.0  # after the last pick: the pods' end, their logs, the pool DMs
# Above this many bytes of attachments the transcript lists images by name instead of
# embedding them, so the page stays something a browser opens.
INLINE_IMAGES_LIMIT = 48 * 1024 * 1024


async def run_demo(base: Config, options: DemoOptions) -> int:
    # SIGTERM does what Ctrl-C does: cancel the run, so that every child is stopped in order.
    main = asyncio.current_task()
    if main is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)
    folder = RunFolder(options.out.resolve())
    folder.prepare()
    began = time.monotonic()
    pods: list[PodRun] = []
    errors: list[str] = []
    checks: list[LogCheck] = []
    figures: dict[str, Any] = {}
    try:
        async with Stack(base, options, folder) as stack:
            try:
                await _drafts(stack, options, folder, pods, checks, figures, errors)
            except ChildDied as exc:
                errors.append(str(exc))
            finally:
                _write_transcript(stack, folder, pods, errors)
    except (ChildDied, ChildFailed) as exc:  # while starting
        errors.append(str(exc))
    summary = build_summary(
        options=_options_json(options),
        pods=pods,
        checks=checks,
        lateness=figures.get("lateness", []),
        api_calls=figures.get("api_calls", 0),
        interaction_calls=figures.get("interaction_calls", 0),
        calls_by_route=figures.get("by_route", {}),
        drafting_seconds=figures.get("drafting_seconds", 0.0),
        total_seconds=time.monotonic() - began,
        scheduler_metrics=figures.get("metrics", {}),
        errors=errors,
    )
    if pods:
        print(table(summary))
    write_summary(folder.summary, summary)
    written = [folder.summary, folder.transcript, folder.scheduler_log, folder.bot_log]
    shown = ", ".join(_shown(path) for path in written if path.exists())
    logs = len(list(folder.logs_dir.glob("*.txt")))
    print(f"\nwrote {shown} and {logs} MTGO logs in {_shown(folder.logs_dir)}")
    for error in errors:
        print(f"draftpod demo: {error}", file=sys.stderr)
    return 0 if summary["completed"] else 1


async def _drafts(
    stack: Stack,
    options: DemoOptions,
    folder: RunFolder,
    pods: list[PodRun],
    checks: list[LogCheck],
    figures: dict[str, Any],
    errors: list[str],
) -> None:
    assert stack.discord is not None
    driver = stack.discord.driver
    pods.extend(make_pods(stack, options))

    async with SchedulerApi(stack.http_url, stack.api_token) as api:
        progress = Progress(pods, options.packs) if options.live else None
        await stack.guard(asyncio.gather(*(pod.open() for pod in pods)))
        before = driver.api_calls()
        started = time.monotonic()
        watcher = asyncio.create_task(watch_pods(api, pods, progress), name="pod-watcher")
        try:
            await stack.guard(asyncio.gather(*(pod.fill_and_start() for pod in pods)))
            await stack.guard(asyncio.gather(*(pod.draft() for pod in pods)))
            spent = driver.api_calls() - before
            figures["drafting_seconds"] = time.monotonic() - started
            figures["api_calls"] = spent.global_limited
            figures["interaction_calls"] = spent.interaction
            figures["by_route"] = spent.by_route
            await _settle(pods, folder, options, checks)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            if progress is not None:
                progress.close()
        for pod in pods:
            for player in pod.players:
                errors.extend(player.stats.errors)
            if pod.status not in ENDED:
                errors.append(f"pod {pod.pod} did not finish (status {pod.status})")
        figures["lateness"] = lateness_ms(await api.runs_of(timeout_job_ids(pods)))
        figures["metrics"] = await api.metrics()


def make_pods(
    stack: Stack, options: DemoOptions, *, crashes_expected: bool = False
) -> list[PodRun]:
    """The pods of a run and their simulated players, with their seeded RNGs; nothing sent yet.

    ``crashes_expected``: the bot may be killed under the players (the fault tests), so a
    choice it never answered is chosen again instead of counted as an error.
    """
    assert stack.discord is not None and stack.channel is not None
    driver = stack.discord.driver
    create = {
        "set": options.set_code,
        "pick_seconds": options.pick_seconds,
        "timer": options.timer,
        "seats": options.seats,
        "bots": options.bots,
        "packs": options.packs,
    }
    # A pack can wait behind every other human running out of time once.
    wait_timeout = options.players * (options.pick_seconds + 3.0) + 30.0
    pods: list[PodRun] = []
    for index in range(options.pods):
        pod = PodRun(index, driver, stack.channel, stack.players_of(index), create)
        for seat, user in enumerate(pod.users):
            pod.players.append(
                Player(
                    driver,
                    user,
                    random.Random(f"{options.seed}:{index}:{seat}"),
                    pick_seconds=options.pick_seconds,
                    slow_share=options.slow,
                    dawdler=seat == len(pod.users) - 1 and len(pod.users) > 1,
                    finished=pod.finished,
                    wait_timeout=wait_timeout,
                    crashes_expected=crashes_expected,
                )
            )
        pods.append(pod)
    return pods


async def watch_pods(api: SchedulerApi, pods: list[PodRun], progress: Progress | None) -> None:
    """Once a second: which pods the scheduler has ended, and the progress lines."""
    while True:
        try:
            statuses = await api.pod_statuses()
        except Exception as exc:  # the scheduler is busy or gone; the stack reports a death
            log.debug("pod statuses unavailable: %s", exc)
            statuses = {}
        for pod in pods:
            status = statuses.get(pod.pod)
            if status in ENDED and not pod.finished.is_set():
                pod.mark_ended(status)
            elif status is not None and pod.status not in ENDED:
                pod.status = status
        if progress is not None:
            progress.refresh()
        await asyncio.sleep(REFRESH_SECONDS)


async def _settle(
    pods: list[PodRun], folder: RunFolder, options: DemoOptions, checks: list[LogCheck]
) -> None:
    """After the last pick: until every pod ended and its players' logs are all written, or
    ``SETTLE_SECONDS``. The logs are files the bot writes, so there is nothing to wait on but
    the folder itself; it is looked at a few times a second."""
    deadline = time.monotonic() + SETTLE_SECONDS
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(
            asyncio.gather(*(pod.finished.wait() for pod in pods)), SETTLE_SECONDS
        )
    while True:
        found = [check_logs(folder.logs_dir, pod, _expected_picks(pod, options)) for pod in pods]
        if all(check.ok for check in found) or time.monotonic() >= deadline:
            break
        await asyncio.sleep(0.2)
    checks[:] = found


def _expected_picks(pod: PodRun, options: DemoOptions) -> int | None:
    size = max((p.stats.pack_size for p in pod.players), default=0)
    return options.packs * size if size else None


def _write_transcript(
    stack: Stack, folder: RunFolder, pods: list[PodRun], errors: list[str]
) -> None:
    if stack.discord is None:
        return
    world = stack.discord.world
    size = sum(a.size for a in world.attachments.values())
    summary: dict[str, object] = {
        "pods": ", ".join(f"#{pod.pod} ({pod.status})" for pod in pods) or "none",
        "players": sum(len(pod.players) for pod in pods),
        "picks": sum(p.stats.picks for pod in pods for p in pod.players),
        "auto-picks": sum(p.stats.autopicks for pod in pods for p in pod.players),
    }
    if errors:
        summary["errors"] = len(errors)
    driver = stack.discord.driver
    if size <= INLINE_IMAGES_LIMIT:
        html = driver.transcript_html(title="draftpod demo", summary=summary)
        folder.transcript.write_text(html, encoding="utf-8")
    else:
        # Every pack image of a long run would make one page too heavy: files beside it.
        driver.write_transcript(folder.transcript, title="draftpod demo", summary=summary)


def _options_json(options: DemoOptions) -> dict[str, Any]:
    data = asdict(options)
    data["out"] = str(options.out)
    data["bots"] = options.bots
    data.pop("live", None)
    return data


def _shown(path: Path) -> str:
    """A path relative to the working folder when it is under it, as a person typed it."""
    with contextlib.suppress(ValueError):
        return str(path.relative_to(Path.cwd()))
    return str(path)
