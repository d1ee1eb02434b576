"""What ingest needs to know about a device, cached in the process: at 8,000 messages a
second a query per message would be the bottleneck. Entries live a short while (a device
switched off in the registry is refused within that time) and a miss asks the database."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from community_brain.devices.ingest import conf


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    id: int
    code: str
    keys: dict  # key -> {"label", "unit", "min", "max"}
    events: frozenset[str]
    is_active: bool


class DeviceCache:
    """code → DeviceInfo (or None for a code nobody registered), each for ``ttl`` seconds."""

    def __init__(self, ttl: float | None = None):
        self._ttl = ttl
        self._entries: dict[str, tuple[float, DeviceInfo | None]] = {}
        self._lock = threading.Lock()

    @property
    def ttl(self) -> float:
        if self._ttl is None:  # read late: the module is imported before settings are ready
            self._ttl = float(conf.get("INGEST_DEVICE_CACHE_SECONDS"))
        return self._ttl

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get(self, code: str) -> DeviceInfo | None:
        entry = self._entries.get(code)
        if entry is None or entry[0] < time.monotonic():
            self.load([code])
            entry = self._entries.get(code)
        return entry[1] if entry else None

    def load(self, codes: Iterable[str]) -> None:
        """Read the codes that are missing or stale, in one query (call it with a batch's
        codes before parsing the batch)."""
        now = time.monotonic()
        wanted = {
            c
            for c in codes
            if isinstance(c, str)
            and 0 < len(c) <= 64
            and (c not in self._entries or self._entries[c][0] < now)
        }
        if not wanted:
            return
        from community_brain.devices.models import Device

        found: dict[str, DeviceInfo] = {}
        for chunk in _chunks(sorted(wanted), 500):
            rows = Device.objects.filter(code__in=chunk).values_list(
                "id", "code", "type__keys", "type__events", "is_active"
            )
            for pk, code, keys, events, active in rows:
                found[code] = DeviceInfo(
                    id=pk,
                    code=code,
                    keys=keys if isinstance(keys, dict) else {},
                    events=frozenset(e for e in (events or []) if isinstance(e, str)),
                    is_active=bool(active),
                )
        expires = now + self.ttl
        with self._lock:
            for code in wanted:
                self._entries[code] = (expires, found.get(code))
            if len(self._entries) > 200_000:  # codes made up by a misbehaving client
                self._entries = {k: v for k, v in self._entries.items() if v[1] is not None}


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


default_cache = DeviceCache()
