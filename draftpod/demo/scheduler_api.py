"""The few calls the demo makes to the scheduler's HTTP API (``docs/scheduler-openapi.yaml``).

Pod status answers "is this pod over?" without guessing from the lobby's wording, and the job
runs answer "how late did each time-out fire?" from the scheduler's own clock, which is the
figure that matters: the bot and the players only see it after the ZeroMQ hop and the bot's work.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp


class SchedulerApi:
    def __init__(self, base_url: str, token: str | None) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._session = aiohttp.ClientSession(
            headers=headers, timeout=aiohttp.ClientTimeout(total=10)
        )

    async def close(self) -> None:
        await self._session.close()

    async def __aenter__(self) -> SchedulerApi:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _get(self, path: str) -> tuple[int, Any]:
        async with self._session.get(self.base_url + path) as response:
            if response.content_type == "application/json":
                return response.status, await response.json()
            return response.status, await response.text()

    async def pod_statuses(self) -> dict[str, str]:
        """``{pod id: status}`` of every pod the scheduler knows."""
        status, body = await self._get("/api/pods")
        if status != 200:
            raise RuntimeError(f"GET /api/pods answered {status}: {body}")
        return {str(pod["pod"]): str(pod["status"]) for pod in body["pods"]}

    async def job_runs(self, job_id: str) -> list[dict[str, Any]]:
        """The runs of one job (empty when it never fired, e.g. a pick made in time)."""
        status, body = await self._get(f"/api/jobs/{job_id}")
        if status == 404:
            return []
        if status != 200:
            raise RuntimeError(f"GET /api/jobs/{job_id} answered {status}: {body}")
        return list(body.get("runs") or [])

    async def runs_of(self, job_ids: list[str], *, parallel: int = 16) -> list[dict[str, Any]]:
        """Every run of these jobs, a few requests at a time."""
        gate = asyncio.Semaphore(parallel)

        async def one(job_id: str) -> list[dict[str, Any]]:
            async with gate:
                return await self.job_runs(job_id)

        found = await asyncio.gather(*(one(job_id) for job_id in job_ids))
        return [run for runs in found for run in runs]

    async def metrics(self) -> dict[str, float]:
        """The Prometheus text of ``/metrics`` as ``{name: value}`` (samples without labels)."""
        status, body = await self._get("/metrics")
        if status != 200 or not isinstance(body, str):
            return {}
        values: dict[str, float] = {}
        for line in body.splitlines():
            if not line or line.startswith("#") or "{" in line:
                continue
            name, _, value = line.partition(" ")
            try:
                values[name] = float(value)
            except ValueError:
                continue
        return values
