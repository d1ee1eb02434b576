"""Settings of the notify app and their defaults, read when used (so tests may change them).

Each may be set in ``config/settings.py``; docs/notifications.md lists them.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def _setting(name: str, default):
    return getattr(settings, name, default)


def lease() -> timedelta:
    """How long a claimed notice belongs to its worker; after that another may take it."""
    return timedelta(seconds=_setting("NOTIFY_LEASE_SECONDS", 120))


def max_attempts() -> int:
    return _setting("NOTIFY_MAX_ATTEMPTS", 8)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min, 4 min … at most an hour."""
    base = _setting("NOTIFY_RETRY_BASE_SECONDS", 30)
    cap = _setting("NOTIFY_RETRY_MAX_SECONDS", 3600)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def escalate_after() -> timedelta:
    """How long an urgent notice may wait for acknowledgement before it escalates."""
    return timedelta(minutes=_setting("NOTIFY_ESCALATE_AFTER_MINUTES", 10))


def sms_backend() -> str:
    return _setting("NOTIFY_SMS_BACKEND", "community_brain.notify.channels.sms.LoggingSmsBackend")


def webhook_timeout() -> float:
    return float(_setting("NOTIFY_WEBHOOK_TIMEOUT", 10))


def ack_token_max_age() -> int:
    """Seconds for which an acknowledgement link (in an SMS or email) stays valid."""
    return int(_setting("NOTIFY_ACK_TOKEN_DAYS", 7)) * 86400


def sweep_batch() -> int:
    return _setting("NOTIFY_SWEEP_BATCH", 500)


def base_url() -> str:
    """Where people reach the site, for links in emails, SMS and robot messages."""
    return (_setting("BRAIN_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def site_name() -> str:
    return _setting("BRAIN_SITE_NAME", "社区大脑")
