"""A handler process for the tests: runs until killed, appending each job's params to a file.

Usage: handler_process.py ADDRESS HANDLER_ID RECORD_FILE
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

from scheduler.client import Handler

METHODS = ("record", "pick_timeout", "pick_warning", "lobby_expired", "pod_idle", "pod_cleanup")


async def main(address: str, handler_id: str, record: str) -> None:
    handler = Handler(handler_id, address=address, heartbeat_seconds=0.25, ack_timeout=1.0)
    fd = os.open(record, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def recorder(method: str) -> Any:
        async def run(params: dict[str, Any]) -> dict[str, Any]:
            os.write(fd, (json.dumps({"method": method, **params}, sort_keys=True) + "\n").encode())
            return {"recorded": params}

        return run

    for method in METHODS:
        handler.add_job(method, recorder(method))
    await handler.start(wait=False)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
