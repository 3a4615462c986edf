"""Triggers as handlers and the HTTP API describe them, checked and turned into APScheduler's.

``{"type": "date", "run_date": ISO 8601 with offset | epoch seconds}``,
``{"type": "interval", "weeks"|"days"|"hours"|"minutes"|"seconds": n, "start_date", "end_date"}``,
``{"type": "cron", "year"|"month"|"day"|"week"|"day_of_week"|"hour"|"minute"|"second": expr,
"start_date", "end_date", "timezone"}`` (the ScheduleZero shapes). A date trigger becomes a
deadline row; the others become APScheduler triggers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.errors import SchedulerError

INTERVAL_UNITS = ("weeks", "days", "hours", "minutes", "seconds")
CRON_FIELDS = ("year", "month", "day", "week", "day_of_week", "hour", "minute", "second")
BOUNDS = ("start_date", "end_date")


class TriggerError(SchedulerError, ValueError):
    """A trigger that cannot be scheduled; the message says why, for a 400 or an ``error``."""


@dataclass(frozen=True, slots=True)
class DateSpec:
    """A one-shot trigger: it becomes a deadline due at ``run_date``."""

    run_date: datetime


def parse_trigger(spec: Mapping[str, Any]) -> DateSpec | BaseTrigger:
    """The trigger ``spec`` describes, or :class:`TriggerError` naming the problem."""
    if not isinstance(spec, Mapping):
        raise TriggerError("trigger must be an object")
    kind = spec.get("type")
    args = {k: v for k, v in spec.items() if k != "type"}
    if kind == "date":
        _only(args, ("run_date",), "date")
        if "run_date" not in args:
            raise TriggerError("a date trigger needs run_date")
        return DateSpec(parse_time("run_date", args["run_date"]))
    if kind == "interval":
        _only(args, (*INTERVAL_UNITS, *BOUNDS), "interval")
        units: dict[str, float] = {}
        for unit in INTERVAL_UNITS:
            if unit in args:
                units[unit] = _number(unit, args[unit])
        if sum(units.values()) <= 0:
            raise TriggerError(
                "an interval trigger needs a positive weeks/days/hours/minutes/seconds"
            )
        bounds = {k: parse_time(k, args[k]) for k in BOUNDS if k in args}
        try:
            interval = IntervalTrigger(**units, **bounds, timezone=UTC)
        except (ValueError, TypeError, OverflowError) as exc:
            raise TriggerError(f"bad interval trigger: {exc}") from None
        return _fires(interval, "interval")
    if kind == "cron":
        _only(args, (*CRON_FIELDS, *BOUNDS, "timezone"), "cron")
        fields = {k: args[k] for k in CRON_FIELDS if k in args}
        for name, value in fields.items():
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise TriggerError(f"cron {name} must be text or a whole number")
        if not fields:
            raise TriggerError("a cron trigger needs at least one field")
        bounds = {k: parse_time(k, args[k]) for k in BOUNDS if k in args}
        try:
            cron = CronTrigger(**fields, **bounds, timezone=args.get("timezone", "UTC"))
        except (ValueError, TypeError, LookupError, OverflowError) as exc:
            raise TriggerError(f"bad cron trigger: {exc}") from None
        return _fires(cron, "cron")
    raise TriggerError(f"trigger type must be date, interval or cron, not {kind!r}")


def _fires(trigger: BaseTrigger, kind: str) -> BaseTrigger:
    """The trigger, if it fires at least once from now on: one that never would (February 30,
    a year gone by, an end date passed) is refused rather than stored to sit there unfired."""
    try:
        first = trigger.get_next_fire_time(None, datetime.now(UTC))
    except (ValueError, OverflowError) as exc:
        raise TriggerError(f"bad {kind} trigger: {exc}") from None
    if first is None:
        raise TriggerError(f"this {kind} trigger never fires from now on: {trigger}")
    return trigger


def parse_time(name: str, value: Any) -> datetime:
    """An aware datetime from ISO 8601 with an offset or epoch seconds; naive times are refused."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise TriggerError(f"{name} must be a finite number")
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            raise TriggerError(f"{name} is out of range") from None
    if not isinstance(value, str):
        raise TriggerError(f"{name} must be an ISO 8601 time or epoch seconds")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise TriggerError(f"{name} is not an ISO 8601 time: {value[:60]!r}") from None
    if parsed.tzinfo is None:
        raise TriggerError(f"{name} needs a UTC offset (for example +00:00 or Z)")
    return parsed


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TriggerError(f"{name} must be a number")
    if value < 0:
        raise TriggerError(f"{name} must not be negative")
    return float(value)


def _only(args: Mapping[str, Any], allowed: tuple[str, ...], kind: str) -> None:
    extra = sorted(set(args) - set(allowed))
    if extra:
        raise TriggerError(f"unknown {kind} trigger field {extra[0]!r}")
