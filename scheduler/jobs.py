"""The callables APScheduler stores: module-level, with primitive arguments only.

APScheduler pickles a reference to the callable and its arguments into its job store, so these
stay small and stable: they find the running server through :func:`bind` and hand it the job id.
"""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger("scheduler.jobs")


class Firing(Protocol):
    async def fire_deadline(self, job_id: str) -> None: ...

    async def fire_recurring(
        self, job_id: str, handler_id: str, method: str, params_json: str
    ) -> None: ...


_server: Firing | None = None


def bind(server: Firing | None) -> None:
    """Point the stored callables at the running server (None when it stops)."""
    global _server
    _server = server


async def fire_deadline(job_id: str) -> None:
    if _server is None:
        log.error("deadline %s fired with no server bound", job_id)
        return
    await _server.fire_deadline(job_id)


async def fire_recurring(job_id: str, handler_id: str, method: str, params_json: str) -> None:
    if _server is None:
        log.error("job %s fired with no server bound", job_id)
        return
    await _server.fire_recurring(job_id, handler_id, method, params_json)
