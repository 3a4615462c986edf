"""Log in to Discord over REST (no gateway connection) and read the application's settings.

discord.py is imported inside the functions, so ``--skip-discord`` never loads it, and the local
Discord (``bot.sandbox``) only with ``--discord-api``: production code never imports it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING

import aiohttp

from draftpod.doctor.report import TOKEN_ENV, Check, Options, fail, ok, reason

if TYPE_CHECKING:
    import discord

# Channel permissions the bot needs (docs/running.md says why each one):
# View Channel 1<<10 + Send Messages 1<<11 + Embed Links 1<<14 + Attach Files 1<<15
# + Read Message History 1<<16 + Use Application Commands 1<<31
# = 1024 + 2048 + 16384 + 32768 + 65536 + 2147483648 = 2147601408.
INVITE_PERMISSIONS = 2147601408
# Manage Messages (1<<13 = 8192) on top, for cleanup_old_messages' bulk deletes.
INVITE_PERMISSIONS_WITH_CLEANUP = INVITE_PERMISSIONS + 8192
INVITE_SCOPES = ("bot", "applications.commands")

# Privileged intents: discord.py's name -> the application flags that say the portal enabled it
# (the plain flag for verified apps, the ``_limited`` one for apps below the verification limit).
PRIVILEGED_INTENTS: Mapping[str, tuple[str, str, str]] = {
    "message_content": (
        "message content",
        "gateway_message_content",
        "gateway_message_content_limited",
    ),
    "members": ("server members", "gateway_guild_members", "gateway_guild_members_limited"),
    "presences": ("presence", "gateway_presence", "gateway_presence_limited"),
}


def invite_url(application_id: int, permissions: int = INVITE_PERMISSIONS) -> str:
    """The link that adds the bot to a server with the permissions it needs."""
    scopes = "+".join(INVITE_SCOPES)
    return (
        f"https://discord.com/oauth2/authorize?client_id={application_id}"
        f"&permissions={permissions}&scope={scopes}"
    )


def bot_intents() -> discord.Intents:
    """The intents the bot connects with: discord.py's defaults, none of them privileged."""
    import discord

    return discord.Intents.default()


async def check_discord(token: str, options: Options) -> tuple[list[Check], int | None]:
    """Log in over REST (no gateway connection) and read the application's settings.

    With ``--discord-api`` discord.py is pointed at that local Discord for the call only; the
    sandbox module is imported then and only then, so production never loads it.
    """
    if options.discord_api is None:
        return await _login(token, options.timeout, "discord.com")
    from bot.sandbox import RealTokenConfigured, pointed_at

    try:
        with pointed_at(options.discord_api, environ={TOKEN_ENV: token}):
            return await _login(token, options.timeout, options.discord_api)
    except RealTokenConfigured:
        return [
            fail(
                "discord",
                f"{TOKEN_ENV} holds a real token and --discord-api names a local Discord",
                "drop --discord-api to check real Discord, or use the local Discord's token",
            )
        ], None


async def _login(token: str, timeout: float, where: str) -> tuple[list[Check], int | None]:
    import discord

    client = discord.Client(intents=bot_intents())
    try:
        try:
            await asyncio.wait_for(client.login(token), timeout)
        except discord.LoginFailure as exc:
            status = getattr(exc.__cause__, "status", 401)
            return [
                fail(
                    "discord",
                    f"{where} refused the token ({status} Unauthorized)",
                    f"the token is wrong or was reset: copy a new one (Developer Portal -> Bot "
                    f"-> Reset Token) into {TOKEN_ENV}",
                )
            ], None
        except discord.HTTPException as exc:
            return [
                fail(
                    "discord",
                    f"{where} answered {exc.status}: {exc.text or exc}",
                    "Discord may be having an outage (https://discordstatus.com); try again",
                )
            ], None
        except TimeoutError:
            return [
                fail(
                    "discord",
                    f"no answer from {where} within {timeout:g} s",
                    "check this machine's connection to Discord (proxy, firewall, DNS)",
                )
            ], None
        except (OSError, aiohttp.ClientError) as exc:
            return [
                fail(
                    "discord",
                    f"cannot reach {where}: {reason(exc)}",
                    "check this machine's connection to Discord (proxy, firewall, DNS)",
                )
            ], None
        user, application = client.user, client.application
        assert user is not None and application is not None  # login sets both or raises
        found = (
            f"logged in to {where} as {user} (id {user.id}), application "
            f"{application.name!r} (id {application.id})"
        )
        return [
            ok("discord", found),
            _intents(application.flags),
            _interactions(application.interactions_endpoint_url),
        ], application.id
    finally:
        await client.close()


def _intents(flags: discord.ApplicationFlags) -> Check:
    """Every privileged intent the bot asks for must be switched on in the portal."""
    wanted = bot_intents()
    portal: list[str] = []
    missing: list[str] = []
    for intent, (label, flag, limited) in PRIVILEGED_INTENTS.items():
        enabled = bool(getattr(flags, flag) or getattr(flags, limited))
        portal.append(f"{label} {'on' if enabled else 'off'}")
        if getattr(wanted, intent) and not enabled:
            missing.append(label)
    if missing:
        return fail(
            "intents",
            f"the bot asks for {', '.join(missing)} but the portal has it off",
            "Developer Portal -> Bot -> Privileged Gateway Intents: switch on "
            + ", ".join(missing),
        )
    return ok(
        "intents",
        f"the bot uses the default intents, none privileged (portal: {', '.join(portal)}); "
        "typed picks arrive by DM, and bots get DM text without the message content intent",
    )


def _interactions(endpoint: str | None) -> Check:
    """With an Interactions Endpoint URL set, Discord posts commands there, not to the gateway."""
    if endpoint:
        return fail(
            "interactions",
            f"an Interactions Endpoint URL is set ({endpoint}): slash commands and menus go "
            "there, not to the bot",
            "clear it: Developer Portal -> General Information -> Interactions Endpoint URL",
        )
    return ok("interactions", "no Interactions Endpoint URL: commands reach the bot by gateway")
