"""The gateway: HELLO, heartbeats, IDENTIFY, RESUME with replay, member chunks, dispatch.

Each IDENTIFY opens a session for one shard. Events go to the session whose shard owns the
guild (``(guild_id >> 22) % num_shards``; DMs go to shard 0) and are kept in the session's
buffer, so a bot that lost its connection gets every missed event back when it RESUMEs.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.sandbox import payloads
from bot.sandbox.snowflake import shard_for
from bot.sandbox.world import World

HEARTBEAT, IDENTIFY, RESUME, RECONNECT = 1, 2, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11
IGNORED_OPS = {3, 4}  # presence and voice state updates: accepted, not modelled
GATEWAY_PATH = "/gateway/"  # discord.py appends the query after this trailing slash
REPLAY_BUFFER = 10_000
CHUNK_SIZE = 1000


class Connection:
    """One websocket, speaking plain JSON text or ``zlib-stream`` as the client asked."""

    def __init__(self, ws: web.WebSocketResponse, compress: bool) -> None:
        self.ws = ws
        self.compressed = compress
        self._zlib = zlib.compressobj() if compress else None

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        if self._zlib is None:
            await self.ws.send_str(text)
        else:
            data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)


@dataclass(eq=False)
class Session:
    id: str
    shard_id: int
    num_shards: int
    seq: int = 0
    connection: Connection | None = None
    buffer: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=REPLAY_BUFFER))
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    large_threshold: int = 250
    resumes: int = 0
    replayed: int = 0

    def owns(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return self.shard_id == 0
        return shard_for(guild_id, self.num_shards) == self.shard_id

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        async with self.lock:
            self.seq += 1
            payload = {"op": 0, "t": event, "s": self.seq, "d": data}
            self.buffer.append(payload)
            await self._send(payload)

    async def _send(self, payload: dict[str, Any]) -> None:
        if self.connection is None:
            return
        try:
            await self.connection.send(payload)
        except (ConnectionError, RuntimeError):
            self.connection = None


class Gateway:
    """Sessions of the one bot application, keyed by shard."""

    def __init__(self, world: World, *, token: str, heartbeat_interval_ms: int) -> None:
        self.world = world
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[int, Session] = {}
        self.identifies = 0
        self.heartbeats = 0
        self.resumes = 0
        self.events: list[tuple[int, str, int | None]] = []
        self._open = asyncio.Event()
        self._open.set()

    def hold(self) -> None:
        """An outage: new connections wait before HELLO until :meth:`release`."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def ws_url(self) -> str:
        return self.world.base_url.replace("http://", "ws://", 1) + GATEWAY_PATH

    def connected(self, shard_id: int) -> bool:
        session = self.sessions.get(shard_id)
        return session is not None and session.connection is not None

    async def dispatch(self, event: str, data: dict[str, Any], *, guild_id: int | None) -> int:
        """Send an event to the sessions owning ``guild_id``; returns how many got it."""
        targets = [s for s in self.sessions.values() if s.owns(guild_id)]
        for session in targets:
            await self._send(session, event, data, guild_id)
        return len(targets)

    async def _send(
        self, session: Session, event: str, data: dict[str, Any], guild_id: int | None
    ) -> None:
        self.events.append((session.shard_id, event, guild_id))
        await session.dispatch(event, data)

    async def drop(self, shard_id: int | None = None, *, code: int = 4000) -> int:
        """Close live connections the way a network fault or Discord restart does."""
        dropped = 0
        for session in list(self.sessions.values()):
            if shard_id is not None and session.shard_id != shard_id:
                continue
            async with session.lock:
                connection, session.connection = session.connection, None
            if connection is not None:
                dropped += 1
                await connection.ws.close(code=code, message=b"dropped by the sandbox")
        await self.world.changed()
        return dropped

    async def request_reconnect(self, shard_id: int | None = None) -> None:
        """Op 7 RECONNECT, as Discord sends before moving a session: the bot must RESUME."""
        for session in list(self.sessions.values()):
            if session.connection is not None and shard_id in (None, session.shard_id):
                await session.connection.send({"op": RECONNECT, "d": None})

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        await self._open.wait()
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        connection = Connection(ws, request.query.get("compress") == "zlib-stream")
        await connection.send(
            {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
        )
        session: Session | None = None
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    break
                try:
                    frame = json.loads(msg.data)
                    op, data = frame["op"], frame.get("d")
                except (ValueError, TypeError, KeyError):
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                if op in (IDENTIFY, RESUME, REQUEST_MEMBERS) and not isinstance(data, dict):
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                if op == HEARTBEAT:
                    await connection.send({"op": HEARTBEAT_ACK})
                    self.heartbeats += 1
                    await self.world.changed()
                elif op == IDENTIFY:
                    if session is not None:
                        await ws.close(code=4005, message=b"Already authenticated.")
                        break
                    session = await self._identify(connection, data)
                elif op == RESUME:
                    session = await self._resume(connection, data)
                elif session is None:
                    await ws.close(code=4003, message=b"Not authenticated.")
                elif op == REQUEST_MEMBERS:
                    await self._members(session, data)
                elif op not in IGNORED_OPS:
                    await ws.close(code=4001, message=b"Unknown opcode.")
        finally:
            if session is not None and session.connection is connection:
                session.connection = None
            await self.world.changed()
        return ws

    async def _identify(self, connection: Connection, data: dict[str, Any]) -> Session | None:
        if data.get("token") != self.token:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return None
        shard_id, num_shards = data.get("shard") or [0, 1]
        if not 0 <= shard_id < num_shards:
            await connection.ws.close(code=4010, message=b"Invalid shard.")
            return None
        session = Session(
            id=secrets.token_hex(16),
            shard_id=shard_id,
            num_shards=num_shards,
            large_threshold=int(data.get("large_threshold") or 50),
        )
        session.connection = connection
        self.sessions[shard_id] = session
        self.identifies += 1
        guilds = [g for g in self.world.guilds.values() if session.owns(g.id)]
        await self._send(session, "READY", self._ready(session, guilds), None)
        for guild in guilds:
            payload = payloads.guild(self.world, guild, large_threshold=session.large_threshold)
            await self._send(session, "GUILD_CREATE", payload, guild.id)
        await self.world.changed()
        return session

    def _ready(self, session: Session, guilds: list[Any]) -> dict[str, Any]:
        return {
            "v": 10,
            "user": payloads.user(self.world.bot),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.ws_url(),
            "shard": [session.shard_id, session.num_shards],
            "application": {"id": str(self.world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
            "_trace": ["sandbox"],
        }

    async def _resume(self, connection: Connection, data: dict[str, Any]) -> Session | None:
        if data.get("token") != self.token:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return None
        session = next((s for s in self.sessions.values() if s.id == data.get("session_id")), None)
        seq = data.get("seq") or 0
        oldest = session.buffer[0]["s"] if session and session.buffer else 1
        if session is None or seq + 1 < oldest:
            await connection.send({"op": INVALID_SESSION, "d": False})
            return None
        async with session.lock:
            session.connection = connection
            for payload in session.buffer:
                if payload["s"] > seq:
                    session.replayed += 1
                    await session._send(payload)
        session.resumes += 1
        self.resumes += 1
        await session.dispatch("RESUMED", {"_trace": ["sandbox"]})
        await self.world.changed()
        return session

    async def _members(self, session: Session, data: dict[str, Any]) -> None:
        guild = self.world.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        query = (data.get("query") or "").lower()
        limit = data.get("limit") or len(guild.member_ids)
        members = [
            self.world.members[(guild.id, uid)]
            for uid in guild.member_ids
            if (
                uid in wanted
                if wanted
                else self.world.users[uid].username.lower().startswith(query)
            )
        ][: max(limit, 1) if not wanted else None]
        chunks = [members[i : i + CHUNK_SIZE] for i in range(0, len(members), CHUNK_SIZE)] or [[]]
        for index, chunk in enumerate(chunks):
            payload: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": [payloads.member(self.world, m) for m in chunk],
                "chunk_index": index,
                "chunk_count": len(chunks),
            }
            if data.get("nonce"):
                payload["nonce"] = data["nonce"]
            if wanted:
                payload["not_found"] = [str(u) for u in wanted - set(guild.member_ids)]
            await self._send(session, "GUILD_MEMBERS_CHUNK", payload, guild.id)
