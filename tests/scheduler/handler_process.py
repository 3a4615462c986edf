"""A handler process for the tests: runs until killed, appending each job's params to a file.

Usage: handler_process.py ADDRESS HANDLER_ID RECORD_FILE [--hold]

The ``hold`` job records ``{"phase": "started"}``, then, with ``--hold``, waits until the process
is killed (so a test can kill it mid-job); without it, it records ``{"phase": "finished"}`` and
returns.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

from scheduler.client import Handler

METHODS = ("record", "pick_timeout", "pick_warning", "lobby_expired", "pod_idle", "pod_cleanup")


async def main(address: str, handler_id: str, record: str, *flags: str) -> None:
    handler = Handler(handler_id, address=address, heartbeat_seconds=0.25, ack_timeout=1.0)
    fd = os.open(record, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(entry: dict[str, Any]) -> None:
        os.write(fd, (json.dumps(entry, sort_keys=True) + "\n").encode())

    def recorder(method: str) -> Any:
        async def run(params: dict[str, Any]) -> dict[str, Any]:
            write({"method": method, **params})
            return {"recorded": params}

        return run

    async def hold(params: dict[str, Any]) -> dict[str, Any]:
        write({"method": "hold", "phase": "started", **params})
        if "--hold" in flags:
            await asyncio.Event().wait()
        write({"method": "hold", "phase": "finished", **params})
        return {"finished": params}

    for method in METHODS:
        handler.add_job(method, recorder(method))
    handler.add_job("hold", hold)
    await handler.start(wait=False)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
