"""The bot process: the discord.py client, and the main that owns every resource's lifetime.

Dependencies are made in :func:`run_bot` and passed to :class:`DraftBot` (discord.py's
``advanced_startup`` pattern); ``setup_hook`` loads the cogs, registers the persistent menus and
buttons, starts the scheduler handler in the bot's own loop and brings back the pods that were
running when the process last stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import discord
from discord.ext import commands

from bot.cogs import EXTENSIONS
from bot.draft.catalog import Catalog
from bot.jobs import JOB_METHODS
from bot.outbound import OutboundQueue
from bot.outbound.discord_transport import RETRY, DiscordTransport
from bot.render import Renderer
from bot.service import DraftService, SchedulerLink, Stopping
from bot.sets import load_catalog
from bot.storage import Store, open_configured_store
from bot.ui.components import DYNAMIC_ITEMS
from bot.ui.presenter import DiscordPresenter
from draftpod.config import Config, ConfigError, secret
from scheduler.client import CurveKeys, Handler, is_loopback_address, load_curve_keys

log = logging.getLogger(__name__)

ReadyCallback = Callable[["DraftBot"], None]


class DraftBot(commands.Bot):
    """discord.py's bot with the draft service, the outbound queue and the scheduler handler."""

    def __init__(
        self,
        config: Config,
        *,
        store: Store,
        renderer: Renderer,
        catalog: Catalog,
        handler: Handler,
        on_ready_once: ReadyCallback | None = None,
        **options: Any,
    ) -> None:
        # Default intents: guilds for the channel cache, DMs for typed picks (a bot reads the
        # content of its own DMs without the privileged message-content intent).
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            help_command=None,
            **options,
        )
        self.config = config
        self.store = store
        self.renderer = renderer
        self.handler = handler
        self._catalog = catalog
        self._on_ready_once = on_ready_once
        # Players' actions being handled now; a stop waits for them before closing anything.
        self.stopping = False
        self._closing = False
        self._handling = 0
        self._quiet = asyncio.Event()
        self._quiet.set()
        self.outbound: OutboundQueue[Any] = OutboundQueue(
            DiscordTransport(self),
            coalesce_seconds=config.bot.edit_coalesce_seconds,
            retry=RETRY,
        )
        self.presenter = DiscordPresenter(
            self,
            self.outbound,
            store,
            renderer,
            progress_seconds=config.bot.progress_edit_seconds,
        )
        self.link = SchedulerLink(handler)
        self.service = DraftService(config, store, self.catalog, self.link, self.presenter)
        for name, method in JOB_METHODS.items():
            handler.add_job(name, functools.partial(_run_job, self, method, name))

    def catalog(self) -> Catalog:
        return self._catalog

    async def reload_catalog(self) -> Catalog:
        """Read ``sets/`` again (a new file is picked up with no code change); running pods keep
        the set they were dealt from."""
        self._catalog = await asyncio.to_thread(load_sets, self.config)
        return self._catalog

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.handler.start(wait=False)
        restored = await self.service.restore()
        if restored:
            log.info("restored %s running pod(s)", restored)
        if self.config.bot.sync_commands:
            await self.tree.sync()

    async def on_ready(self) -> None:
        callback, self._on_ready_once = self._on_ready_once, None
        if callback is not None:
            callback(self)

    @contextlib.asynccontextmanager
    async def handling(self) -> AsyncIterator[None]:
        """Around a player's action (a pick, a lobby button): a stop waits until it is done,
        answer included; once the bot is stopping it is refused with :class:`Stopping`."""
        if self.stopping:
            raise Stopping()
        self._handling += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self._handling -= 1
            if not self._handling:
                self._quiet.set()

    async def close(self) -> None:
        """Finish the actions under way, send what waits, stop the handler, then close
        discord.py; safe to call twice."""
        if not self._closing:
            self._closing = True
            # Take no new action, and let those under way commit and answer while the outbound
            # queue and the HTTP session are still open: else a pick can be stored whose answer
            # fails, or be stored after this process is gone from the player's view.
            self.stopping = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._quiet.wait(), 5.0)
            await self.outbound.aclose(timeout=5.0)
            await self.handler.stop()
        await super().close()


async def _run_job(bot: DraftBot, method: Any, name: str, params: dict[str, Any]) -> Any:
    await bot.wait_until_ready()
    return await method(bot, params)


def load_sets(config: Config) -> Catalog:
    catalog = load_catalog(
        config.paths.sets_dir, max_file_bytes=config.sets.max_file_mb * 1024 * 1024
    )
    for error in catalog.errors:
        log.warning("set file refused: %s", error)
    return catalog


def handler_keys(config: Config) -> CurveKeys | None:
    """The bot's CURVE keys from the settings; ConfigError for a link off loopback without."""
    b, address = config.bot, config.scheduler.zmq_address
    curve = None
    if b.curve_server_key_file or b.curve_secret_key_file:
        if not (b.curve_server_key_file and b.curve_secret_key_file):
            raise ConfigError("bot.curve_server_key_file and bot.curve_secret_key_file go together")
        try:
            curve = load_curve_keys(b.curve_server_key_file, b.curve_secret_key_file)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"bot CURVE keys: {exc}") from exc
    elif not is_loopback_address(address):
        raise ConfigError(
            f"scheduler.zmq_address {address} is not loopback: set bot.curve_server_key_file "
            "and bot.curve_secret_key_file (see docs/scheduler.md)"
        )
    return curve


def make_handler(config: Config) -> Handler:
    """The bot's handler; refuses (ConfigError) a link off loopback without CURVE keys."""
    return Handler(
        config.bot.handler_id,
        address=config.scheduler.zmq_address,
        token=secret("DRAFTPOD_API_TOKEN"),
        ack_timeout=config.bot.ack_timeout_seconds,
        heartbeat_seconds=config.scheduler.heartbeat_seconds,
        curve=handler_keys(config),
    )


async def run_bot(
    config: Config,
    token: str,
    *,
    on_ready: ReadyCallback | None = None,
    stop: asyncio.Event | None = None,
    **options: Any,
) -> None:
    """Run the bot until ``stop`` is set (or the connection ends), then release everything."""
    store = await open_configured_store(config)
    renderer = Renderer.from_config(config)
    try:
        catalog = await asyncio.to_thread(load_sets, config)
        bot = DraftBot(
            config,
            store=store,
            renderer=renderer,
            catalog=catalog,
            handler=make_handler(config),
            on_ready_once=on_ready,
            **options,
        )
        async with bot:
            runner = asyncio.create_task(bot.start(token), name="discord client")
            waits: set[asyncio.Task[Any]] = {runner}
            if stop is not None:
                waits.add(asyncio.create_task(stop.wait(), name="stop signal"))
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            if runner not in done:
                await bot.close()
            for task in waits:
                if task is not runner:
                    task.cancel()
            await runner
    finally:
        renderer.close()
        await store.close()
