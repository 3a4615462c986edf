"""The set catalog wired to a safe YAML decoder, for the bot and the command line.

The engine (:mod:`bot.draft`) imports only the standard library, so it cannot read the YAML
custom-set format itself; this thin adapter supplies :func:`decode_yaml` and is what callers use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.draft.catalog import DEFAULT_MAX_FILE_BYTES, Catalog, CatalogEntry, ParseCache
from bot.draft.catalog import load_catalog as _load_catalog

__all__ = ["Catalog", "CatalogEntry", "ParseCache", "decode_yaml", "load_catalog"]

# libyaml's safe loader when PyYAML was built with it (several times faster), else the pure one;
# both construct plain data only.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def decode_yaml(text: str) -> Any:
    """Decode YAML with the safe loader (plain data only); errors become ValueError with a line."""
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ValueError(f"{where}{exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise ValueError(str(exc)) from exc


def load_catalog(
    sets_dir: Path,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    only: list[Path] | None = None,
    cache: ParseCache | None = None,
) -> Catalog:
    """Every set in ``sets_dir`` (MTGJSON, cubes, custom YAML), with the failures listed.

    Pass the same :class:`ParseCache` to successive loads to re-parse only changed files.
    """
    return _load_catalog(
        sets_dir, decode_yaml=decode_yaml, max_file_bytes=max_file_bytes, only=only, cache=cache
    )
