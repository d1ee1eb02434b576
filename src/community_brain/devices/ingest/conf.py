"""Ingest's tunables: Django settings when defined, else environment variables, else the
defaults below (so deployments can set them without touching ``config/settings.py``)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULTS = {
    # A message larger than this is refused (too_large) before it is parsed.
    "INGEST_MAX_PAYLOAD": 16 * 1024,
    # Timestamps further ahead than this are refused (a device clock gone wrong).
    "INGEST_MAX_FUTURE_SECONDS": 5 * 60,
    # Timestamps older than this are refused: a device replaying a week-old buffer is
    # usually a device whose clock was never set.
    "INGEST_MAX_AGE_DAYS": 7,
    # How long the device cache trusts what it read from the registry.
    "INGEST_DEVICE_CACHE_SECONDS": 30,
    # Raw telemetry older than this is rolled into hourly rows and deleted.
    "TELEMETRY_RAW_DAYS": 30,
}


_cache: dict[str, int] = {}


def get(name: str) -> int:
    """The value, read once (ingest asks for these per message)."""
    try:
        return _cache[name]
    except KeyError:
        pass
    if hasattr(settings, name):
        value = int(getattr(settings, name))
    else:
        raw = os.environ.get(name, "").strip()
        value = int(raw) if raw else DEFAULTS[name]
    _cache[name] = value
    return value


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in DEFAULTS:
        _cache.clear()
