"""The time services write down. Normally the real clock; a seed or a migration of paper
records runs the same services at the historical moment with ``clock.at(moment)``."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

_fixed: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "brain_clock", default=None
)


def now() -> datetime:
    return _fixed.get() or timezone.now()


@contextmanager
def at(moment: datetime):
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)


def today():
    """The local date of ``now()`` (Asia/Shanghai): deadlines and documents are dated by it."""
    return timezone.localtime(now()).date()
