"""Settings: read once into frozen, typed objects and passed in.

``config/default.yaml`` holds every key; a user's file overrides any subset of them. Validation is
strict because a misspelt key that is silently ignored is worse than a refusal: an unknown key or a
value of the wrong type raises :class:`ConfigError` naming the key. Secrets are never read from a
file; they come from the environment through :func:`secret`.

A setting typed ``Mapping[K, V]`` (``render.image_folders``) is a free mapping, not a section: its
keys are the user's own, each is checked against ``K`` and its value against ``V``, and a user's
mapping replaces the default one whole. It is read-only once loaded.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import os
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.yaml"
CONFIG_ENV = "DRAFTPOD_CONFIG"

TimerPolicyName = Literal["fixed", "scaled", "mtr", "none"]
ImageFormatName = Literal["jpeg", "png", "webp"]


class ConfigError(ValueError):
    """A settings file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class PathsConfig:
    sets_dir: Path
    logs_dir: Path
    var_dir: Path


@dataclass(frozen=True, slots=True)
class DraftConfig:
    packs_per_player: int
    min_seats: int
    max_seats: int
    pick_seconds: int
    timer_policy: TimerPolicyName
    warning_seconds: int
    lobby_ttl_seconds: int
    queue_fill_seconds: int
    autopick_colour_commit_after: int


@dataclass(frozen=True, slots=True)
class SchedulerConfig:
    zmq_address: str
    http_host: str
    http_port: int
    database_url: str
    heartbeat_seconds: float
    resend_initial_seconds: float
    resend_max_seconds: float
    max_frame_bytes: int
    cleanup_after_seconds: int
    idle_after_seconds: int
    keep_runs_seconds: int
    curve_secret_key_file: str
    curve_clients_dir: str
    allow_takeover: bool


@dataclass(frozen=True, slots=True)
class BotConfig:
    handler_id: str
    ack_timeout_seconds: float
    database_url: str
    edit_coalesce_seconds: float
    database_busy_timeout_seconds: float
    progress_edit_seconds: float
    sync_commands: bool
    curve_server_key_file: str
    curve_secret_key_file: str


@dataclass(frozen=True, slots=True)
class RenderConfig:
    cache_dir: str
    cache_max_mb: int
    memory_cache_faces: int
    max_image_pixels: int
    image_format: ImageFormatName
    image_quality: int
    workers: int
    # Set code -> folder of that set's card images; relative folders are under paths.sets_dir.
    image_folders: Mapping[str, Path]


@dataclass(frozen=True, slots=True)
class SetsConfig:
    max_file_mb: int


@dataclass(frozen=True, slots=True)
class Config:
    paths: PathsConfig
    draft: DraftConfig
    scheduler: SchedulerConfig
    bot: BotConfig
    render: RenderConfig
    sets: SetsConfig
    source: tuple[str, ...] = field(default=(), compare=False)

    def sqlite_url(self, name: str) -> str:
        """The embedded default store: a SQLite file ``<var_dir>/<name>.sqlite3``."""
        return f"sqlite:///{self.paths.var_dir / (name + '.sqlite3')}"


def load_config(path: str | os.PathLike[str] | None = None, *, root: Path | None = None) -> Config:
    """Read the defaults, then the user's file (``path``, else ``$DRAFTPOD_CONFIG``, else none).

    Relative paths in the ``paths`` section are resolved against ``root`` (default: the current
    working directory), so a deployment can keep its sets and logs wherever it runs from.
    """
    raw = _read_yaml(DEFAULT_CONFIG)
    sources = [str(DEFAULT_CONFIG)]
    user_path = path if path is not None else os.environ.get(CONFIG_ENV) or None
    if user_path is not None:
        override = _read_yaml(Path(user_path))
        raw = _merge(raw, override, str(user_path), prefix="", cls=Config)
        sources.append(str(user_path))
    config = _build(Config, {**raw, "source": tuple(sources)}, prefix="", where=sources[-1])
    base = (root or Path.cwd()).resolve()
    paths = PathsConfig(
        **{
            f.name: _resolve(base, getattr(config.paths, f.name))
            for f in dataclasses.fields(PathsConfig)
        }
    )
    return dataclasses.replace(config, paths=paths)


def secret(name: str) -> str | None:
    """A secret from the environment, or None. Secrets are never read from a file in the repo."""
    value = os.environ.get(name, "").strip()
    return value or None


def _resolve(base: Path, value: Path) -> Path:
    return value if value.is_absolute() else base / value


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read settings file: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level")
    return data


def _merge(
    base: dict[str, Any], override: Mapping[str, Any], where: str, prefix: str, cls: type[Any]
) -> dict[str, Any]:
    """``base`` with ``override`` laid over it: sections (the dataclasses of ``cls``) key by key,
    every other value (a free mapping included) whole."""
    hints = typing.get_type_hints(cls)
    merged = dict(base)
    for key, value in override.items():
        dotted = f"{prefix}{key}"
        if key not in base or key not in hints:
            raise ConfigError(f"{where}: unknown setting '{dotted}'")
        section = hints[key]
        if isinstance(section, type) and dataclasses.is_dataclass(section):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: '{dotted}' must be a mapping of settings")
            merged[key] = _merge(base[key], value, where, prefix=f"{dotted}.", cls=section)
        else:
            merged[key] = value
    return merged


def _build(cls: type[Any], raw: Mapping[str, Any], prefix: str, where: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in names:
            raise ConfigError(f"{where}: unknown setting '{prefix}{key}'")
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        dotted = f"{prefix}{f.name}"
        if f.name not in raw:
            if f.default is not dataclasses.MISSING:
                continue
            raise ConfigError(f"{where}: missing setting '{dotted}'")
        values[f.name] = _coerce(hints[f.name], raw[f.name], dotted, where)
    return cls(**values)


def _coerce(hint: Any, value: Any, dotted: str, where: str) -> Any:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: '{dotted}' must be a mapping of settings")
        return _build(hint, value, prefix=f"{dotted}.", where=where)
    origin = typing.get_origin(hint)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if value not in allowed:
            choices = ", ".join(map(str, allowed))
            raise ConfigError(f"{where}: '{dotted}' must be one of {choices}, not {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{where}: '{dotted}' must be a list")
        return tuple(value)
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: '{dotted}' must be a mapping")
        key_hint, value_hint = typing.get_args(hint)
        entries = {
            _coerce(key_hint, key, f"{dotted}.{key}", where): _coerce(
                value_hint, item, f"{dotted}.{key}", where
            )
            for key, item in value.items()
        }
        return types.MappingProxyType(entries)
    if origin in (typing.Union, types.UnionType):
        raise TypeError(f"unsupported settings type for {dotted}: {hint}")
    if hint is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: '{dotted}' must be a non-empty path")
        return Path(value)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: '{dotted}' must be a number, not {value!r}")
        return float(value)
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: '{dotted}' must be a whole number, not {value!r}")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: '{dotted}' must be true or false, not {value!r}")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: '{dotted}' must be text, not {value!r}")
        return value
    raise TypeError(f"unsupported settings type for {dotted}: {hint}")
