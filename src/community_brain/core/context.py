"""Who is acting and from where, for the duration of a request, a command or a task.

The middleware sets it for web requests; commands and tasks may set it with ``acting``. The
audit log reads it so that service functions need not pass the request around.
"""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class ActingContext:
    request_id: str
    ip: str = ""
    channel: str = "system"  # web, api, cli, task, system


_current: contextvars.ContextVar[ActingContext | None] = contextvars.ContextVar(
    "brain_acting_context", default=None
)


def current() -> ActingContext:
    ctx = _current.get()
    return ctx or ActingContext(request_id="", channel="system")


@contextmanager
def acting(channel: str, ip: str = "", request_id: str | None = None):
    token = _current.set(
        ActingContext(request_id=request_id or uuid.uuid4().hex[:16], ip=ip, channel=channel)
    )
    try:
        yield
    finally:
        _current.reset(token)


def set_for_request(request_id: str, ip: str, channel: str) -> contextvars.Token:
    return _current.set(ActingContext(request_id=request_id, ip=ip, channel=channel))


def reset(token: contextvars.Token) -> None:
    _current.reset(token)
