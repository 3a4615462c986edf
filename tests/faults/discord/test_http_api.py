"""The scheduler's HTTP API as an outsider meets it: fuzzed from its OpenAPI file, without or
with a wrong token, with huge bodies, with cron strings that never fire. A real scheduler
process on loopback with ``DRAFTPOD_API_TOKEN`` set."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from tests.scheduler.scheduler_support import READY, ROOT, SchedulerProcess, child_env

from .support import record_input

SPEC = ROOT / "docs" / "scheduler-openapi.yaml"
TOKEN = "fuzz-token-" + "7" * 24


class Api:
    def __init__(self, base: str, log: Path) -> None:
        self.base, self.log = base, log

    def call(self, method: str, path: str, *, token: str | None = TOKEN, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return requests.request(method, self.base + path, headers=headers, timeout=30, **kw)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """``python -m scheduler`` with a token, HTTP on a free loopback port."""
    folder = tmp_path_factory.mktemp("sched-http")
    config = SchedulerProcess(folder).write_config(http_host="127.0.0.1")
    log = folder / "scheduler.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "scheduler", "--config", str(config)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=err,
            env=child_env(DRAFTPOD_API_TOKEN=TOKEN),
        )
    try:
        assert proc.stdout is not None
        match = READY.search(proc.stdout.readline())
        assert match is not None, log.read_text()
        yield Api(match.group(2).decode(), log)
    finally:
        proc.terminate()
        proc.wait(20)
        assert proc.returncode == 0, log.read_text()


SCHEMA = schemathesis.openapi.from_path(SPEC)
FUZZED: dict[str, list[int]] = {}


@SCHEMA.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_fuzzed_from_its_openapi_file(case: Any, api: Api) -> None:
    """Generated requests for every operation (about 40 each, a few hundred in all): never a
    5xx, answers as documented (status, content type, schema), requests off the schema refused.

    One check is left out: that every schema-valid request is accepted. The schema can say a
    cron field is text but not that ``"0"`` is no year, nor that an interval needs a positive
    unit; such requests get 400 with the reason, which the other checks hold to the schema."""
    response = case.call_and_validate(
        base_url=api.base,
        headers={"Authorization": f"Bearer {TOKEN}"},
        excluded_checks=[positive_data_acceptance],
    )
    FUZZED.setdefault(case.operation.label, []).append(response.status_code)


def test_the_fuzzing_ran_and_the_server_lives_on(api: Api) -> None:
    """After the fuzzing (the tests above, in this module's order): every operation was tried,
    none answered 5xx, the process still answers."""
    statuses = [code for codes in FUZZED.values() for code in codes]
    if not statuses:
        pytest.skip("the fuzzing tests did not run in this session")
    assert len(FUZZED) == 8, sorted(FUZZED)
    assert all(code < 500 for code in statuses)
    assert api.call("GET", "/health").status_code == 200
    refused = sum(1 for code in statuses if code >= 400)
    record_input(
        "HTTP API fuzzed (schemathesis, from the OpenAPI file)",
        "8 operations, up to 40 examples each plus negative cases",
        len(statuses),
        refused,
        note=f"{len(statuses) - refused} accepted as valid, {refused} refused 4xx, 0 5xx; "
        + ", ".join(f"{k}: {len(v)}" for k, v in sorted(FUZZED.items())),
    )


ROUTES = [
    ("GET", "/api/jobs"),
    ("GET", "/api/jobs/x"),
    ("DELETE", "/api/jobs/x"),
    ("POST", "/api/schedule"),
    ("GET", "/api/handlers"),
    ("GET", "/api/pods"),
    ("GET", "/metrics"),
]


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x", TOKEN[:-1]])
def test_no_token_or_a_wrong_one_is_401_on_every_route(api: Api, token: str | None) -> None:
    for method, path in ROUTES:
        answer = api.call(method, path, token=token, json={})
        assert answer.status_code == 401, (method, path, answer.text)
        assert answer.json() == {"status": "error", "reason": "missing or wrong bearer token"}
        assert TOKEN not in answer.text
    assert api.call("GET", "/health", token=None).status_code == 200
    record_input(
        f"HTTP API token {token!r:.12}", "every route but /health", len(ROUTES), len(ROUTES)
    )


BODY = {"handler_id": "draftpod-bot", "job_method": "echo", "job_params": {}}


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(json.dumps({**BODY, "job_params": {"x": "y" * 3_000_000}}), id="3MB-params"),
        pytest.param("[" * 200_000 + "]" * 200_000, id="deep-nesting"),
        pytest.param("x" * 5_000_000, id="5MB-junk"),
        pytest.param(json.dumps({**BODY, "job_id": "j" * 100_000}), id="long-job-id"),
        pytest.param(
            json.dumps({**BODY, "trigger": {"type": "cron", "minute": "*/" + "1" * 50_000}}),
            id="long-cron",
        ),
    ],
)
def test_huge_bodies_are_413_or_400_and_the_server_lives_on(api: Api, payload: str) -> None:
    answer = requests.post(
        api.base + "/api/schedule",
        data=payload.encode(),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        timeout=60,
    )
    assert answer.status_code in (400, 413), answer.text[:200]
    assert answer.json()["status"] == "error"
    assert api.call("GET", "/health").status_code == 200
    record_input("huge HTTP body", "POST /api/schedule", 1, 1, note=f"{answer.status_code}")


NEVER = [
    ("February 30", {"month": 2, "day": 30}),
    ("April 31", {"month": "4", "day": "31"}),
    ("a year gone by", {"year": 2001}),
    ("ended already", {"minute": "*", "end_date": "2001-01-01T00:00:00+00:00"}),
]


@pytest.mark.parametrize(("name", "fields"), NEVER, ids=[n[0] for n in NEVER])
def test_a_cron_that_never_fires_is_refused_with_400(
    api: Api, name: str, fields: dict[str, Any]
) -> None:
    """Refused, not stored: a job that can never run is a mistake the caller should hear of."""
    body = {**BODY, "job_id": f"never-{len(name)}", "trigger": {"type": "cron", **fields}}
    answer = api.call("POST", "/api/schedule", json=body)
    assert answer.status_code == 400, answer.text
    assert "never fires" in answer.json()["reason"]
    assert api.call("GET", f"/api/jobs/{body['job_id']}").status_code == 404
    record_input(f"cron that never fires ({name})", "POST /api/schedule", 1, 1, note="400")


def test_an_interval_that_ended_is_refused_and_a_good_cron_is_accepted(api: Api) -> None:
    ended = {"type": "interval", "seconds": 5, "end_date": "2001-01-01T00:00:00+00:00"}
    answer = api.call("POST", "/api/schedule", json={**BODY, "trigger": ended})
    assert answer.status_code == 400 and "never fires" in answer.json()["reason"]
    leap = {"type": "cron", "month": 2, "day": 29}
    answer = api.call("POST", "/api/schedule", json={**BODY, "job_id": "leap", "trigger": leap})
    assert answer.status_code == 201 and answer.json()["next_run_time"], answer.text
    assert api.call("DELETE", "/api/jobs/leap").status_code == 200
