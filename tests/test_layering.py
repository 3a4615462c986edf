"""The import rules of the architecture, checked on the source so that they stay true."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(package: str) -> dict[str, set[str]]:
    """Every module imported (at any depth of the code) by each file of a package."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def violations(package: str, allowed: Callable[[str], bool]) -> list[str]:
    return [
        f"{path} imports {name}"
        for path, names in imported_modules(package).items()
        for name in sorted(names)
        if not allowed(name)
    ]


def test_engine_imports_only_the_standard_library() -> None:
    """bot/draft is pure: standard library and its own modules, nothing else."""
    stdlib = sys.stdlib_module_names
    forbidden = {"asyncio"}

    def allowed(name: str) -> bool:
        top = name.split(".")[0]
        return name.startswith("bot.draft") or (top in stdlib and top not in forbidden)

    assert violations("bot/draft", allowed) == []


def test_scheduler_never_imports_the_bot() -> None:
    """The scheduler is a separate process and must not depend on the bot's code."""
    assert violations("scheduler", lambda name: name.split(".")[0] != "bot") == []


def test_handler_library_stays_light() -> None:
    """What the bot imports from the scheduler pulls in no APScheduler, aiohttp or SQLAlchemy."""
    heavy = {"apscheduler", "aiohttp", "sqlalchemy", "alembic"}
    light = {"scheduler/protocol.py", "scheduler/client.py"}
    bad = [
        f"{path} imports {name}"
        for path, names in imported_modules("scheduler").items()
        if path in light
        for name in sorted(names)
        if name.split(".")[0] in heavy
    ]
    assert bad == []


def test_bot_imports_only_the_handler_library_from_the_scheduler() -> None:
    """The bot may use scheduler.client and scheduler.protocol; nothing else is shared."""

    def allowed(name: str) -> bool:
        return not name.startswith("scheduler") or name in {
            "scheduler.client",
            "scheduler.protocol",
        }

    assert violations("bot", allowed) == []


def test_renderer_never_imports_discord() -> None:
    """The renderer turns cards into images; it knows nothing of Discord."""
    assert violations("bot/render", lambda name: name.split(".")[0] != "discord") == []


def test_production_code_never_imports_the_local_discord() -> None:
    """Only the demo command and the tests use the local Discord stand-in."""

    def allowed(name: str) -> bool:
        return not name.startswith("bot.sandbox")

    bad = [v for v in violations("bot", allowed) if not v.startswith("bot/sandbox/")]
    assert bad == []


def test_renderer_needs_only_the_card_model() -> None:
    """The renderer draws cards: of the bot it uses the card model alone, no engine state."""

    def allowed(name: str) -> bool:
        inside = name.startswith("bot.render") or name == "bot.draft.cards"
        return inside or not name.startswith("bot.")

    assert violations("bot/render", allowed) == []


def test_local_discord_depends_only_on_aiohttp() -> None:
    """bot/sandbox speaks Discord with aiohttp alone; only its connect module touches discord.py."""
    stdlib = sys.stdlib_module_names
    web_stack = {"aiohttp", "yarl", "multidict"}

    def allowed(name: str) -> bool:
        top = name.split(".")[0]
        return name.startswith("bot.sandbox") or top in stdlib or top in web_stack

    bad = [
        v
        for v in violations("bot/sandbox", allowed)
        if not v.startswith("bot/sandbox/connect.py imports discord")
    ]
    assert bad == []


def test_bot_storage_never_imports_discord() -> None:
    """The bot's storage keeps plain integer ids; it knows nothing of Discord."""
    assert violations("bot/storage", lambda name: name.split(".")[0] != "discord") == []


def test_outbound_queue_reaches_discord_only_through_its_adapter() -> None:
    """The outbound queue is tested without Discord: only its adapter module imports discord."""
    bad = [
        v
        for v in violations("bot/outbound", lambda name: name.split(".")[0] != "discord")
        if not v.startswith("bot/outbound/discord_transport.py ")
    ]
    assert bad == []
