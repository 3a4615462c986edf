"""CURVE keys for the ZMQ link: make them, load them, and the ZAP authenticator that checks them.

CURVE alone encrypts but lets any client key in, so the ROUTER runs a ZAP authenticator holding
an allow-list: the public key files (``*.key``) in ``scheduler.curve_clients_dir``. Each file is
named after the handler id it lets in (``draftpod-bot.key``): the authenticator gives a
connection the file's stem as its ZAP User-Id, and the router accepts a ``register`` only for
that handler id, so a key lets its holder be that one handler and no other.

Keys are made by ``python -m scheduler keys FOLDER`` (``zmq.auth.create_certificates``).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import zmq
import zmq.asyncio
from zmq.auth.asyncio import AsyncioAuthenticator
from zmq.auth.certs import create_certificates, load_certificate

log = logging.getLogger("scheduler.keys")

ZAP_DOMAIN = "draftpod"
SERVER_NAME = "scheduler"


class KeyFileError(ValueError):
    """A key file or folder that cannot be used; the message names it."""


@dataclass(frozen=True, slots=True)
class ServerKeys:
    public: bytes
    secret: bytes
    # Allowed client public keys (z85) -> the handler id each one may register as.
    clients: dict[bytes, str]


def load_server_keys(secret_file: Path, clients_dir: Path) -> ServerKeys:
    try:
        public, secret = load_certificate(secret_file)
    except (OSError, ValueError) as exc:
        raise KeyFileError(f"{secret_file}: cannot read the scheduler's secret key: {exc}") from exc
    if secret is None:
        raise KeyFileError(f"{secret_file}: holds no secret key (give the .key_secret file)")
    if not clients_dir.is_dir():
        raise KeyFileError(f"{clients_dir}: the allowed-clients folder does not exist")
    clients: dict[bytes, str] = {}
    for path in sorted(clients_dir.glob("*.key")):
        try:
            key, _ = load_certificate(path)
        except (OSError, ValueError) as exc:
            raise KeyFileError(f"{path}: not a public key file: {exc}") from exc
        clients[key] = path.stem
    if not clients:
        raise KeyFileError(
            f"{clients_dir}: no client public keys (*.key) in it: nobody could connect"
        )
    return ServerKeys(public, secret, clients)


class AllowListAuthenticator(AsyncioAuthenticator):
    """ZAP: CURVE clients whose public key is on the allow-list, User-Id = their handler id."""

    def __init__(self, context: zmq.asyncio.Context, clients: dict[bytes, str]) -> None:
        super().__init__(context, log=logging.getLogger("scheduler.zap"))
        self._clients = dict(clients)

    def start(self) -> None:
        super().start()
        self.configure_curve_callback(ZAP_DOMAIN, credentials_provider=self)

    def callback(self, domain: str, key: bytes) -> bool:
        allowed = key in self._clients
        if not allowed:
            log.warning("refused a CURVE client with an unknown key %s", key.decode()[:8] + "...")
        return allowed

    def curve_user_id(self, client_public_key: bytes) -> str:
        from zmq.utils import z85

        return self._clients.get(z85.encode(client_public_key), "")


def keys_command(folder: str, names: list[str]) -> int:
    """Make the keys and say where each file goes; the exit code."""
    try:
        made = make_keys(Path(folder), names or ["draftpod-bot"])
    except KeyFileError as exc:
        print(f"keys: {exc}", file=sys.stderr)
        return 2
    for public, secret in made:
        print(f"made {public} and {secret}")
    server_public, server_secret = made[0]
    print(
        "\nscheduler: scheduler.curve_secret_key_file = " + server_secret + "\n"
        "           scheduler.curve_clients_dir = a folder holding the handlers' .key files "
        "(copy them there)\n"
        "each handler: bot.curve_server_key_file = " + server_public + "\n"
        "              bot.curve_secret_key_file = its own .key_secret file "
        "(keep .key_secret files secret)"
    )
    return 0


def make_keys(folder: Path, names: list[str]) -> list[tuple[str, str]]:
    """``scheduler.key``/``.key_secret`` and one pair per handler id; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name in [SERVER_NAME, *names]:
        if (folder / f"{name}.key_secret").exists():
            raise KeyFileError(f"{folder / name}.key_secret exists already; not overwritten")
        public, secret = create_certificates(folder, name)
        Path(secret).chmod(0o600)
        made.append((public, secret))
    return made
