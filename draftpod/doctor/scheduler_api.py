"""The scheduler's side, over its HTTP API: it answers, the bot's handler is connected, and a
``ping`` job scheduled for now comes back from the bot with a result."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import aiohttp

from draftpod.config import Config
from draftpod.doctor.discord_login import invite_url
from draftpod.doctor.report import API_TOKEN_ENV, Check, Options, fail, ok, reason, skip

PING_METHOD = "ping"
# The ping's job is polled from 5 ms, doubling to 100 ms: a quick answer is measured closely
# without a slow one costing many requests.
PING_POLL_FIRST = 0.005
PING_POLL_MAX = 0.1


def scheduler_base_url(config: Config, api_token: str | None) -> str:
    """Where the scheduler's HTTP API answers, by the rule the scheduler binds with.

    A wildcard address is reached on loopback; without ``DRAFTPOD_API_TOKEN`` the scheduler
    binds loopback whatever ``http_host`` says, so that is where it is looked for too.
    """
    host = config.scheduler.http_host.strip()
    if host in ("", "0.0.0.0", "localhost") or (api_token is None and not _is_loopback(host)):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{config.scheduler.http_port}"


async def check_scheduler(
    config: Config, options: Options, api_token: str | None, application_id: int | None
) -> list[Check]:
    """The scheduler answers, lists the bot's handler, and a ping job comes back from the bot."""
    handler_id = config.bot.handler_id
    if config.scheduler.http_port == 0:
        return [
            fail(
                "scheduler",
                "scheduler.http_port is 0, so the scheduler picks a port at start that the "
                "doctor cannot know",
                "set a fixed scheduler.http_port",
            ),
            skip("handler", "the scheduler was not reached"),
            skip("jobs", "the scheduler was not reached"),
        ]
    base = scheduler_base_url(config, api_token)
    headers = {"Authorization": f"Bearer {api_token}"} if api_token else {}
    timeout = aiohttp.ClientTimeout(total=options.timeout)
    async with aiohttp.ClientSession(base_url=base, timeout=timeout, headers=headers) as session:
        health = await _health(session, base, options.timeout)
        if health.failed:
            why = "the scheduler was not reached"
            return [health, skip("handler", why), skip("jobs", why)]
        handler, methods = await _handler(session, base, handler_id, api_token, options.timeout)
        if methods is None:
            return [health, handler, skip("jobs", f"handler {handler_id!r} is not connected")]
        if PING_METHOD not in methods:
            why = f"the bot's handler does not serve {PING_METHOD!r} (a bot older than doctor?)"
            return [health, handler, skip("jobs", why)]
        jobs = await _ping(session, handler_id, options, application_id)
        return [health, handler, jobs]


async def _health(session: aiohttp.ClientSession, base: str, timeout: float) -> Check:
    fix = (
        "start it (`draftpod scheduler`, or `draftpod run` for both processes), or fix "
        "scheduler.http_host / scheduler.http_port"
    )
    try:
        status, body = await _call(session, "GET", "/health")
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        return fail("scheduler", f"no answer at {base}/health: {reason(exc, timeout)}", fix)
    if status != 200 or not isinstance(body, dict) or body.get("status") != "ok":
        return fail(
            "scheduler",
            f"{base}/health answered {status} {_brief(body)}, not the scheduler's health",
            f"is another program on port {base.rsplit(':', 1)[1]}? {fix}",
        )
    seconds = body.get("uptime_seconds")
    uptime = _duration(seconds) if isinstance(seconds, int | float) else "?"
    return ok(
        "scheduler",
        f"{base} up {uptime}, {body.get('handlers', '?')} handler(s) connected, "
        f"{body.get('jobs_due', '?')} run(s) awaiting a result",
    )


async def _handler(
    session: aiohttp.ClientSession,
    base: str,
    handler_id: str,
    api_token: str | None,
    timeout: float,
) -> tuple[Check, list[str] | None]:
    """The handler's line, and its job methods when it is connected (else None)."""
    try:
        status, body = await _call(session, "GET", "/api/handlers")
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        return fail(
            "handler",
            f"{base}/api/handlers: {reason(exc, timeout)}",
            "the scheduler stopped answering; see its log",
        ), None
    if status == 401:
        if api_token is None:
            found, fix = (
                f"the scheduler wants a bearer token and {API_TOKEN_ENV} is not set here",
                f"set {API_TOKEN_ENV} to the scheduler's value",
            )
        else:
            found, fix = (
                f"the scheduler refused {API_TOKEN_ENV} (401)",
                f"set {API_TOKEN_ENV} to the same value in the scheduler, the bot and here",
            )
        return fail("handler", found, fix), None
    handlers = body.get("handlers") if status == 200 and isinstance(body, dict) else None
    if not isinstance(handlers, list):
        return fail(
            "handler",
            f"{base}/api/handlers answered {status} {_brief(body)}",
            "see the scheduler's log",
        ), None
    handlers = [h for h in handlers if isinstance(h, dict)]
    ours = next((h for h in handlers if h.get("handler_id") == handler_id), None)
    if ours is None:
        others = ", ".join(repr(h.get("handler_id")) for h in handlers) or "none"
        hint = " (is bot.handler_id the same in the bot's settings?)" if handlers else ""
        return fail(
            "handler",
            f"the bot's handler {handler_id!r} is not connected (connected: {others}){hint}",
            "start the bot (`draftpod bot`, or `draftpod run`) with the same "
            f"scheduler.zmq_address and {API_TOKEN_ENV} as the scheduler; its log says why it "
            "cannot register",
        ), None
    methods = [str(m) for m in ours.get("methods", [])]
    since = _clock(ours.get("connected_at"))
    seen = ours.get("seconds_since_seen", "?")
    return ok(
        "handler",
        f"{handler_id!r} connected{since}, last heard {seen} s ago, {len(methods)} job method(s)",
    ), methods


async def _ping(
    session: aiohttp.ClientSession,
    handler_id: str,
    options: Options,
    application_id: int | None,
) -> Check:
    """Schedule ``ping`` for now and wait for its run's result: proof that jobs reach the bot."""
    job_id = f"doctor-ping-{uuid.uuid4().hex}"
    request = {
        "handler_id": handler_id,
        "job_method": PING_METHOD,
        "job_params": {},
        "trigger": {"type": "date", "run_date": datetime.now(UTC).isoformat()},
        "job_id": job_id,
    }
    started = time.monotonic()
    try:
        status, body = await _call(session, "POST", "/api/schedule", json=request)
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        return fail(
            "jobs",
            f"POST /api/schedule: {reason(exc, options.timeout)}",
            "see the scheduler's log",
        )
    if status != 201:
        return fail(
            "jobs",
            f"the scheduler refused the ping job: {status} {_brief(body)}",
            "see the scheduler's log",
        )
    runs: list[dict[str, Any]] = []
    pause = PING_POLL_FIRST
    try:
        async with asyncio.timeout(options.job_wait):
            while True:
                status, body = await _call(session, "GET", f"/api/jobs/{job_id}")
                if status == 200 and isinstance(body, dict):
                    runs = [r for r in body.get("runs", []) if isinstance(r, dict)]
                if any(r.get("status") in ("done", "failed") for r in runs):
                    break
                await asyncio.sleep(pause)
                pause = min(pause * 2, PING_POLL_MAX)
    except TimeoutError:
        await _forget(session, job_id)
        state = (
            "it never fired"
            if not runs
            else f"it fired but no result came back (run {runs[-1].get('status')})"
        )
        return fail(
            "jobs",
            f"{PING_METHOD} job {job_id}: {state} within {options.job_wait:g} s",
            "see the bot's log and the scheduler's; the handler is connected but does not answer",
        )
    except (aiohttp.ClientError, OSError) as exc:
        return fail(
            "jobs",
            f"lost the scheduler while waiting for {job_id}: {reason(exc)}",
            "see the scheduler's log",
        )
    elapsed_ms = (time.monotonic() - started) * 1000
    run = next(r for r in runs if r.get("status") in ("done", "failed"))
    if run.get("status") == "failed":
        return fail(
            "jobs",
            f"{PING_METHOD} ran in the bot and failed: {run.get('error') or 'no reason given'}",
            "see the bot's log",
        )
    result = run.get("result")
    found = (
        f"{PING_METHOD} came back from the bot in {elapsed_ms:.0f} ms"
        f"{_delivery(run)}{_ping_result(result)}"
    )
    if isinstance(result, dict) and result.get("guilds") == 0:
        link = (
            f": {invite_url(application_id)}"
            if application_id is not None
            else " (link in docs/running.md)"
        )
        return ok("jobs", f"{found}; the bot is in no server yet, invite it{link}")
    return ok("jobs", found)


def _delivery(run: dict[str, Any]) -> str:
    """The scheduler's own measure of the run: from sending it to the bot to its result."""
    fired, finished = run.get("fired_at"), run.get("finished_at")
    if not isinstance(fired, int | float) or not isinstance(finished, int | float):
        return ""
    return f", {(finished - fired) * 1000:.0f} ms of it from firing to result"


def _ping_result(result: Any) -> str:
    if not isinstance(result, dict):
        return ""
    parts = []
    if "guilds" in result:
        parts.append(f"{result['guilds']} server(s)")
    latency = result.get("latency_ms")
    if isinstance(latency, int | float):
        parts.append(f"gateway latency {latency:.0f} ms")
    return f" ({', '.join(parts)})" if parts else ""


async def _forget(session: aiohttp.ClientSession, job_id: str) -> None:
    """Best effort: a ping that did not fire should not fire later, after the doctor left."""
    with contextlib.suppress(TimeoutError, aiohttp.ClientError, OSError):
        await _call(session, "DELETE", f"/api/jobs/{job_id}")


async def _call(
    session: aiohttp.ClientSession, method: str, path: str, **kwargs: Any
) -> tuple[int, Any]:
    """One request: the status and the JSON body (None when the body is not JSON)."""
    async with session.request(method, path, **kwargs) as response:
        try:
            body = await response.json(content_type=None)
        except ValueError:
            body = None
        return response.status, body


def _brief(body: Any) -> str:
    if isinstance(body, dict) and "reason" in body:
        return f"({body['reason']})"
    return "" if body is None else f"({str(body)[:80]})"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"


def _clock(epoch: Any) -> str:
    if not isinstance(epoch, int | float):
        return ""
    at = datetime.fromtimestamp(epoch, UTC).astimezone()
    return f" since {at:%Y-%m-%d %H:%M:%S}"


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
