"""The one base of every error the scheduler package raises, so callers can catch the family."""

from __future__ import annotations


class SchedulerError(Exception):
    """Base of the scheduler package's errors."""
