"""Login throttling: after N failures for a username or an address within the window, further
attempts are refused until the window passes. Kept in the shared cache, so it holds across
app processes (database cache by default, Redis when configured)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, ip: str) -> list[str]:
    user_key = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:24]
    return [f"login-fail:user:{user_key}", f"login-fail:ip:{ip or '-'}"]


def _window() -> int:
    return settings.LOGIN_THROTTLE_WINDOW_SECONDS


def is_locked(username: str, ip: str) -> int:
    """Seconds until the next attempt is allowed; 0 when not locked."""
    limit = settings.LOGIN_THROTTLE_FAILURES
    now = time.time()
    wait = 0
    for key in _keys(username, ip):
        # The address limit is wider: several people may share an office's address.
        cap = limit if ":user:" in key else limit * 4
        entry = cache.get(key)
        if entry and entry["count"] >= cap:
            wait = max(wait, int(entry["first"] + _window() - now))
    return max(wait, 0)


def record_failure(username: str, ip: str) -> None:
    now = time.time()
    for key in _keys(username, ip):
        entry = cache.get(key) or {"count": 0, "first": now}
        if now - entry["first"] > _window():
            entry = {"count": 0, "first": now}
        entry["count"] += 1
        cache.set(key, entry, _window())


def reset(username: str, ip: str) -> None:
    cache.delete(_keys(username, ip)[0])
