"""How long the local Discord takes to carry a slash command and its answer, end to end.

Baseline, measured in the same run: one bare authenticated REST call (``GET /users/@me``) from
aiohttp. The figure is the round trip of ``/hello`` through the gateway, discord.py's command
tree and the interaction callback, as a ratio of that baseline; and a DM pick cycle (user DM,
bot reply) likewise. Run: ``python -m bench.sandbox_roundtrip``.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import aiohttp

from bot.sandbox import LocalDiscord, pointed_at
from tests.sandbox.conftest import running
from tests.sandbox.tiny_bot import TinyBot

ROUNDS = 200


async def timed(action: object, rounds: int = ROUNDS) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        await action()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def main() -> None:
    async with LocalDiscord() as server, aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bot {server.token}"}

        async def rest_call() -> None:
            async with session.get(server.api_url + "/users/@me", headers=headers) as response:
                await response.read()

        baseline = await timed(rest_call)
        with pointed_at(server, environ={}):
            async with running(TinyBot(), server.token):
                d = server.driver
                alice = d.add_user("alice")

                async def command() -> None:
                    await (await d.invoke(alice, "hello", {"name": "x"})).message()

                async def dm_cycle() -> None:
                    await d.send_dm(alice, "7")
                    await d.next_message(user=alice)

                slash = await timed(command)
                dm = await timed(dm_cycle)
    print(f"baseline REST call: {baseline * 1e3:.2f} ms (median of {ROUNDS})")
    print(f"slash command round trip: {slash / baseline:.1f}x baseline")
    print(f"DM in, bot reply out: {dm / baseline:.1f}x baseline")


if __name__ == "__main__":
    asyncio.run(main())
