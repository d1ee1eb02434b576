"""Per-process snapshots of small, rarely edited tables (categories, compounds, routing
rules) that every report reads: one query per snapshot instead of several per request.

A snapshot reloads when one of its models is saved or deleted in this process, and at the
latest ``ttl`` seconds after it was loaded, which bounds how long an edit made in another
process takes to show here. Objects in a snapshot are shared between threads: read them,
never change them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_all: list[Snapshot] = []


class Snapshot(Generic[T]):
    def __init__(self, load: Callable[[], T], *, models: tuple, ttl: float = 30.0):
        self._load = load
        self._ttl = ttl
        self._value: T | None = None
        self._loaded_at = 0.0
        self._generation = 0  # bumped by every edit, so a load that raced one is not kept
        self._lock = threading.Lock()
        for model in models:
            post_save.connect(self._dirty, sender=model, weak=False)
            post_delete.connect(self._dirty, sender=model, weak=False)
        _all.append(self)

    def get(self) -> T:
        value, loaded_at = self._value, self._loaded_at
        if value is not None and time.monotonic() - loaded_at < self._ttl:
            return value
        with self._lock:
            value = self._value
            if value is None or time.monotonic() - self._loaded_at >= self._ttl:
                generation = self._generation
                loaded_at = time.monotonic()
                value = self._load()
                if generation == self._generation:
                    self._value, self._loaded_at = value, loaded_at
            return value

    def clear(self) -> None:
        self._generation += 1
        self._value = None

    def _dirty(self, **_kwargs) -> None:
        self.clear()


def clear_all() -> None:
    """Forget every snapshot (tests roll back what the snapshots may have read)."""
    for snapshot in _all:
        snapshot.clear()
