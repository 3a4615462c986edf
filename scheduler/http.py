"""The HTTP API (aiohttp), ScheduleZero-compatible; described in ``docs/scheduler-openapi.yaml``.

With ``DRAFTPOD_API_TOKEN`` set, every route but ``/health`` needs ``Authorization: Bearer
<token>``; without it the API listens on loopback only, whatever the settings say, and says so.
Bad requests get 400 with a reason and change nothing.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

from aiohttp import web

from scheduler import jobids
from scheduler import protocol as p

if TYPE_CHECKING:
    from scheduler.server import SchedulerServer

log = logging.getLogger("scheduler.http")

SERVER_KEY = web.AppKey("server", object)
OPEN_ROUTES = frozenset({"/health"})


def build_app(server: SchedulerServer) -> web.Application:
    app = web.Application(
        middlewares=[_errors, _auth(server.settings.api_token)],
        client_max_size=server.settings.max_frame_bytes,
    )
    app[SERVER_KEY] = server
    app.router.add_post("/api/schedule", schedule)
    app.router.add_get("/api/jobs", list_jobs)
    app.router.add_get("/api/jobs/{job_id}", get_job)
    app.router.add_delete("/api/jobs/{job_id}", delete_job)
    app.router.add_get("/api/handlers", list_handlers)
    app.router.add_get("/api/pods", list_pods)
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics)
    return app


async def start_http(server: SchedulerServer) -> tuple[web.AppRunner, str]:
    """Serve the API; returns the runner (to clean up) and the URL actually bound."""
    s = server.settings
    host = s.http_host
    if s.api_token is None and not _is_loopback(host):
        log.warning(
            "DRAFTPOD_API_TOKEN is not set: the HTTP API listens on 127.0.0.1 only, not %s", host
        )
        host = "127.0.0.1"
    elif s.api_token is None:
        log.warning("DRAFTPOD_API_TOKEN is not set: the HTTP API is open to loopback clients only")
    runner = web.AppRunner(build_app(server), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, s.http_port)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://{host}:{port}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reply(code: int, /, **body: Any) -> web.Response:
    return web.json_response(body, status=code)


def _bad(reason: str) -> web.Response:
    return _reply(400, status="error", reason=reason)


@web.middleware
async def _errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400 and exc.content_type != "application/json":
            answer = _reply(exc.status, status="error", reason=exc.reason)
            if "Allow" in exc.headers:
                # A 405 says which methods the route takes (RFC 9110), as aiohttp's own does.
                answer.headers["Allow"] = exc.headers["Allow"]
            return answer
        raise
    except Exception:
        log.exception("HTTP %s %s failed", request.method, request.path)
        return _reply(500, status="error", reason="internal error")


def _auth(token: str | None) -> Any:
    @web.middleware
    async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
        if token is None or request.path in OPEN_ROUTES:
            return await handler(request)
        given = request.headers.get("Authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.encode(), token.encode()):
            return web.json_response(
                {"status": "error", "reason": "missing or wrong bearer token"},
                status=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return await handler(request)

    return middleware


def _server(request: web.Request) -> SchedulerServer:
    return request.app[SERVER_KEY]  # type: ignore[return-value]


async def schedule(request: web.Request) -> web.Response:
    """POST /api/schedule {handler_id, job_method, job_params, trigger, job_id?} -> 201."""
    try:
        body = await request.json(loads=json.loads)
    except (ValueError, UnicodeDecodeError):
        return _bad("body must be a JSON object")
    except RecursionError:
        return _bad("body is nested too deeply")
    if not isinstance(body, dict):
        return _bad("body must be a JSON object")
    known = {"handler_id", "job_method", "job_params", "trigger", "job_id"}
    if set(body) - known:
        return _bad(f"unknown field {sorted(set(body) - known)[0]!r}")
    for name in ("handler_id", "job_method"):
        value = body.get(name)
        if not isinstance(value, str) or not value or len(value) > p.MAX_ID_CHARS:
            return _bad(f"{name} must be text of 1 to {p.MAX_ID_CHARS} characters")
    params = body.get("job_params", {})
    if not isinstance(params, dict):
        return _bad("job_params must be a JSON object")
    trigger = body.get("trigger")
    if not isinstance(trigger, dict):
        return _bad("trigger must be a JSON object with a type")
    job_id = body.get("job_id", "")
    if job_id == "":
        job_id = f"job-{uuid.uuid4().hex}"
    if not isinstance(job_id, str) or len(job_id) > p.MAX_ID_CHARS:
        return _bad(f"job_id must be text of at most {p.MAX_ID_CHARS} characters")
    try:
        first = _server(request).schedule_job(
            job_id=job_id,
            handler_id=body["handler_id"],
            method=body["job_method"],
            params=params,
            trigger=trigger,
        )
    except p.ProtocolError as exc:
        return _bad(exc.reason)
    return _reply(201, status="success", job_id=job_id, next_run_time=first or None)


async def list_jobs(request: web.Request) -> web.Response:
    jobs = _server(request).timetable.describe()
    return _reply(200, jobs=jobs, count=len(jobs))


async def get_job(request: web.Request) -> web.Response:
    server = _server(request)
    job_id = request.match_info["job_id"]
    found = server.timetable.describe([job_id])
    runs = server.store.runs_for([job_id])
    if not found and not runs:
        return _reply(404, status="error", reason=f"no job {job_id!r}")
    job = found[0] if found else {"job_id": job_id, "next_run_time": None}
    return _reply(200, **job, runs=runs)


async def delete_job(request: web.Request) -> web.Response:
    server = _server(request)
    job_id = request.match_info["job_id"]
    if jobids.is_reserved(job_id):
        return _bad("pod timers follow the pod lifecycle; end the pod instead")
    if not server.timetable.unschedule(job_id):
        return _reply(404, status="error", reason=f"no job {job_id!r}")
    return _reply(200, status="success", job_id=job_id)


async def list_handlers(request: web.Request) -> web.Response:
    handlers = [h.as_json() for h in _server(request).router.handlers.values()]
    return _reply(200, handlers=handlers, count=len(handlers))


async def list_pods(request: web.Request) -> web.Response:
    pods = [
        {
            "pod": pod.pod,
            "handler_id": pod.handler_id,
            "status": pod.status,
            "seats": pod.seats,
            "timer_policy": {
                "kind": pod.policy.kind,
                "seconds": pod.policy.seconds,
                "warning_seconds": pod.policy.warning_seconds,
                "pack_size": pod.policy.pack_size,
            },
            "outcome": pod.outcome,
            "created_at": pod.created_at,
            "started_at": pod.started_at,
            "ended_at": pod.ended_at,
        }
        for pod in _server(request).store.list_pods()
    ]
    return _reply(200, pods=pods, count=len(pods))


async def health(request: web.Request) -> web.Response:
    server = _server(request)
    return _reply(
        200,
        status="ok",
        uptime_seconds=round(time.time() - server.started_at, 3),
        handlers=len(server.router.handlers),
        jobs_due=len(server.outbox.pending),
    )


async def metrics(request: web.Request) -> web.Response:
    server = _server(request)
    return web.Response(
        body=server.metrics.render(server.gauges()).encode(),
        headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
    )
