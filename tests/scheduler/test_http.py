"""The HTTP API of a real scheduler process: routes, triggers, bad bodies, the bearer token."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from scheduler_support import Recorder, SchedulerProcess, wait_until

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def api(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SchedulerProcess]:
    process = SchedulerProcess(tmp_path_factory.mktemp("http"))
    await process.start()
    yield process
    await process.kill(signal.SIGTERM)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(api: SchedulerProcess) -> AsyncIterator[Recorder]:
    r = Recorder(api.zmq)
    assert await r.handler.start(timeout=10)
    yield r
    await r.handler.stop(grace=0)


@pytest_asyncio.fixture(loop_scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


def later(seconds: float = 3600) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def body(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "handler_id": "bot",
        "job_method": "echo",
        "job_params": {"a": 1},
        "trigger": {"type": "date", "run_date": later()},
    }
    return {**base, **changes}


BAD_BODIES: list[tuple[str, Any, str]] = [
    ("not json", b"{nope", "JSON object"),
    ("json array", [1, 2], "JSON object"),
    ("no handler", {k: v for k, v in body().items() if k != "handler_id"}, "handler_id"),
    ("empty method", body(job_method=""), "job_method"),
    ("params a list", body(job_params=[1]), "job_params"),
    ("no trigger", {k: v for k, v in body().items() if k != "trigger"}, "trigger"),
    ("unknown field", body(colour="blue"), "unknown field"),
    ("unknown trigger type", body(trigger={"type": "lunar"}), "date, interval or cron"),
    ("date without run_date", body(trigger={"type": "date"}), "run_date"),
    ("naive run_date", body(trigger={"type": "date", "run_date": "2030-01-01T00:00:00"}), "offset"),
    ("garbage run_date", body(trigger={"type": "date", "run_date": "soon"}), "ISO 8601"),
    ("zero interval", body(trigger={"type": "interval", "seconds": 0}), "positive"),
    ("negative interval", body(trigger={"type": "interval", "minutes": -5}), "negative"),
    ("text interval", body(trigger={"type": "interval", "seconds": "5"}), "number"),
    ("bad cron field", body(trigger={"type": "cron", "hour": "25"}), "cron"),
    ("unknown cron field", body(trigger={"type": "cron", "fortnight": 1}), "unknown cron"),
    ("empty cron", body(trigger={"type": "cron"}), "at least one field"),
    ("reserved job id", body(job_id="pick_timeout:p:1:1"), "reserved"),
    ("job id not text", body(job_id=5), "job_id"),
]


@pytest.mark.parametrize(
    ("payload", "reason"), [b[1:] for b in BAD_BODIES], ids=[b[0] for b in BAD_BODIES]
)
async def test_bad_bodies_get_400_with_a_reason_and_change_nothing(
    api: SchedulerProcess, http: aiohttp.ClientSession, payload: Any, reason: str
) -> None:
    """Every malformed schedule request is refused with 400 and a reason; no job appears."""
    kwargs = {"data": payload} if isinstance(payload, bytes) else {"json": payload}
    async with http.post(f"{api.http}/api/schedule", **kwargs) as response:
        assert response.status == 400
        answer = await response.json()
    assert answer["status"] == "error" and reason in answer["reason"]
    async with http.get(f"{api.http}/api/jobs") as response:
        assert (await response.json())["count"] == 0


async def test_an_oversized_body_is_refused(
    api: SchedulerProcess, http: aiohttp.ClientSession
) -> None:
    """A body over the frame limit is refused before it is parsed."""
    huge = body(job_params={"blob": "x" * 2_000_000})
    async with http.post(f"{api.http}/api/schedule", json=huge) as response:
        assert response.status == 413


async def test_jobs_can_be_listed_read_and_deleted(
    api: SchedulerProcess, http: aiohttp.ClientSession
) -> None:
    """A scheduled job shows in the list and by id; DELETE removes it; a second DELETE is 404."""
    async with http.post(f"{api.http}/api/schedule", json=body(job_id="later")) as response:
        assert response.status == 201
    async with http.get(f"{api.http}/api/jobs") as response:
        jobs = (await response.json())["jobs"]
    assert [(j["job_id"], j["method"], j["params"]) for j in jobs] == [("later", "echo", {"a": 1})]
    async with http.get(f"{api.http}/api/jobs/later") as response:
        assert (await response.json())["next_run_time"] is not None
    async with http.delete(f"{api.http}/api/jobs/later") as response:
        assert response.status == 200
    for method in (http.delete, http.get):
        async with method(f"{api.http}/api/jobs/later") as response:
            assert response.status == 404


TRIGGERS = [
    ("interval", {"type": "interval", "seconds": 0.2}),
    ("cron every second", {"type": "cron", "second": "*"}),
]


@pytest.mark.parametrize("trigger", [t[1] for t in TRIGGERS], ids=[t[0] for t in TRIGGERS])
async def test_recurring_triggers_run_repeatedly(
    api: SchedulerProcess, bot: Recorder, http: aiohttp.ClientSession, trigger: dict[str, Any]
) -> None:
    """Interval and cron jobs fire again and again until deleted."""
    job_id = f"every-{trigger['type']}"
    request = body(job_id=job_id, job_params={"job": job_id}, trigger=trigger)
    async with http.post(f"{api.http}/api/schedule", json=request) as response:
        assert response.status == 201
    await wait_until(
        lambda: len([p for p in bot.of("echo") if p.get("job") == job_id]) >= 2, what="two runs"
    )
    async with http.delete(f"{api.http}/api/jobs/{job_id}") as response:
        assert response.status == 200


async def test_handlers_pods_health_and_metrics(
    api: SchedulerProcess, bot: Recorder, http: aiohttp.ClientSession
) -> None:
    """The read-only routes describe handlers, pods, health and Prometheus metrics."""
    from scheduler.timers import TimerPolicy

    await bot.handler.pod_start("shown", 8, TimerPolicy("mtr"))
    async with http.get(f"{api.http}/api/handlers") as response:
        assert [h["handler_id"] for h in (await response.json())["handlers"]] == ["bot"]
    async with http.get(f"{api.http}/api/pods") as response:
        pods = {p["pod"]: p for p in (await response.json())["pods"]}
    assert pods["shown"]["status"] == "drafting"
    assert pods["shown"]["timer_policy"]["kind"] == "mtr"
    async with http.get(f"{api.http}/health") as response:
        assert (await response.json())["status"] == "ok"
    async with http.get(f"{api.http}/metrics") as response:
        assert response.content_type == "text/plain"
        text = await response.text()
    for name in ("jobs_due", "fired_total", "late_total", "retried_total", "handlers"):
        assert f"draftpod_scheduler_{name} " in text


async def test_unknown_routes_and_methods_are_json_errors(
    api: SchedulerProcess, http: aiohttp.ClientSession
) -> None:
    """404 and 405 answer in JSON like every other error."""
    async with http.get(f"{api.http}/api/nothing") as response:
        assert response.status == 404 and (await response.json())["status"] == "error"
    async with http.put(f"{api.http}/api/jobs") as response:
        assert response.status == 405


@pytest.mark.asyncio(loop_scope="function")
async def test_the_token_guards_every_route_but_health(
    scheduler_factory: Callable[..., SchedulerProcess],
) -> None:
    """With DRAFTPOD_API_TOKEN set a wrong or missing token gets 401; the right one passes."""
    guarded = await scheduler_factory("guarded", DRAFTPOD_API_TOKEN="s3cret").start()
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
            async with http.get(f"{guarded.http}/api/jobs", headers=headers) as response:
                assert response.status == 401
            async with http.post(
                f"{guarded.http}/api/schedule", json=body(), headers=headers
            ) as response:
                assert response.status == 401
        good = {"Authorization": "Bearer s3cret"}
        async with http.get(f"{guarded.http}/api/jobs", headers=good) as response:
            assert response.status == 200
        async with http.get(f"{guarded.http}/health") as response:
            assert response.status == 200


@pytest.mark.asyncio(loop_scope="function")
async def test_the_openapi_file_documents_exactly_the_served_routes() -> None:
    """docs/scheduler-openapi.yaml and the aiohttp router list the same paths and methods."""
    from types import SimpleNamespace

    import yaml
    from scheduler_support import ROOT

    from scheduler.http import build_app

    spec = yaml.safe_load((ROOT / "docs" / "scheduler-openapi.yaml").read_text())
    documented = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "delete", "put"}
    }
    settings = SimpleNamespace(api_token=None, max_frame_bytes=1024)
    app = build_app(SimpleNamespace(settings=settings))  # type: ignore[arg-type]
    served = {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.method != "HEAD" and route.resource is not None
    }
    assert documented == served
