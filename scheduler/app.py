"""Running the scheduler as a process: settings from the config, signals, a ready line, exit codes.

Both ``python -m scheduler`` and ``draftpod scheduler`` come here. The ready line on stdout
(``scheduler ready zmq=... http=...``) names the endpoints actually bound, so a supervisor or a
test can start it on port 0 and learn where it listens.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from draftpod.config import Config, secret
from scheduler.client import is_loopback_address
from scheduler.database import StoreLocked, UnusableDatabaseUrl, check_driver, engine_url
from scheduler.keys import KeyFileError
from scheduler.server import SchedulerServer, ServerSettings

log = logging.getLogger("scheduler")

TOKEN_ENV = "DRAFTPOD_API_TOKEN"


def settings_from(config: Config) -> ServerSettings:
    """The server's settings: the ``scheduler`` section, the store URL and the token."""
    s = config.scheduler
    return ServerSettings(
        zmq_address=s.zmq_address,
        http_host=s.http_host,
        http_port=s.http_port,
        database_url=s.database_url or config.sqlite_url("scheduler"),
        heartbeat_seconds=s.heartbeat_seconds,
        resend_initial_seconds=s.resend_initial_seconds,
        resend_max_seconds=s.resend_max_seconds,
        max_frame_bytes=s.max_frame_bytes,
        cleanup_after_seconds=float(s.cleanup_after_seconds),
        idle_after_seconds=float(s.idle_after_seconds),
        keep_runs_seconds=float(s.keep_runs_seconds),
        api_token=secret(TOKEN_ENV),
        curve_secret_key_file=s.curve_secret_key_file,
        curve_clients_dir=s.curve_clients_dir,
        allow_takeover=s.allow_takeover,
    )


def check_link_security(settings: ServerSettings) -> str | None:
    """Why these settings must not run, or None: the ZMQ link off loopback needs CURVE."""
    curve = settings.curve_secret_key_file, settings.curve_clients_dir
    if any(curve) and not all(curve):
        return (
            "scheduler.curve_secret_key_file and scheduler.curve_clients_dir go together: CURVE "
            "without an allow-list of client keys would let any key in"
        )
    if not is_loopback_address(settings.zmq_address) and not all(curve):
        return (
            f"scheduler.zmq_address {settings.zmq_address} is not loopback: set "
            "scheduler.curve_secret_key_file and scheduler.curve_clients_dir (keys from "
            "`python -m scheduler keys`, see docs/scheduler.md), or bind 127.0.0.1"
        )
    return None


async def serve(settings: ServerSettings) -> None:
    """Run until SIGINT or SIGTERM, then stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = SchedulerServer(settings)
    endpoints = await server.start()
    print(f"scheduler ready zmq={endpoints.zmq} http={endpoints.http}", flush=True)
    try:
        await stop.wait()
        log.info("stopping")
    finally:
        await server.stop()
        log.info("stopped")


def run(config: Config) -> int:
    """Serve with ``config``; the process's exit code (2: a store URL it cannot use)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = settings_from(config)
    try:
        check_driver(engine_url(settings.database_url))
    except UnusableDatabaseUrl as exc:
        print(f"scheduler: scheduler.database_url: {exc}", file=sys.stderr)
        return 2
    refusal = check_link_security(settings)
    if refusal is not None:
        print(f"scheduler: {refusal}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(settings))
    except StoreLocked as exc:
        print(f"scheduler: {exc}", file=sys.stderr)
        return 3
    except KeyFileError as exc:
        print(f"scheduler: {exc}", file=sys.stderr)
        return 2
    return 0
