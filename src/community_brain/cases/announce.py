"""What the big screen hears about cases: one small live message per new case and per step
on a timeline, sent when the transaction commits (``core.live``)."""

from __future__ import annotations

from community_brain.core import live


def _message(case, kind: str) -> dict:
    return {
        "code": case.code,
        "title": case.title[:60],
        "kind": kind,
        "status": case.status,
        "compound": case.compound.name if case.compound_id else "",
        "overdue": case.is_overdue,
    }


def announce(case, kind: str) -> None:
    live.publish("case", _message(case, kind))


def announce_many(cases, kind: str) -> None:
    """One message per case, sent together (cases reported in one batch)."""
    live.publish_many("case", [_message(case, kind) for case in cases])
