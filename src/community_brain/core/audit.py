"""Write audit rows. Service functions call ``record`` inside their transaction."""

from __future__ import annotations

from typing import Any

from community_brain.core import context
from community_brain.core.models import AuditLog


def _actor(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor


def record(
    action: str,
    obj: Any = None,
    *,
    actor=None,
    summary: str = "",
    data: dict | None = None,
) -> AuditLog:
    ctx = context.current()
    return AuditLog.objects.create(
        actor=_actor(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        data=data or {},
        channel=ctx.channel,
        ip=ctx.ip,
        request_id=ctx.request_id,
    )


def record_many(action: str, objs, *, actor=None, data: dict | None = None) -> int:
    """Audit a bulk write with one row per object, written in one statement."""
    ctx = context.current()
    rows = [
        AuditLog(
            actor=_actor(actor),
            action=action,
            object_type=o._meta.label_lower,
            object_id=str(o.pk),
            summary=str(o)[:300],
            data=data or {},
            channel=ctx.channel,
            ip=ctx.ip,
            request_id=ctx.request_id,
        )
        for o in objs
    ]
    AuditLog.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def changed_fields(before: dict, after: dict, *, secret: frozenset[str] = frozenset()) -> dict:
    """The fields that changed, as {field: [old, new]}; secret fields show only that they did."""
    out = {}
    for key, new in after.items():
        old = before.get(key)
        if old != new:
            out[key] = ["***", "***"] if key in secret else [_plain(old), _plain(new)]
    return out


def _plain(value):
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return value
