"""Alarm services (告警): raise, clear, acknowledge — every write to an alarm goes through here.

An alarm is *active* until cleared and *acknowledged* once someone has taken it in hand; the
two are independent, so its status is one of ACTIVE_UNACK, ACTIVE_ACK, CLEARED_UNACK,
CLEARED_ACK (ThingsBoard's four). ``TRANSITIONS`` is the whole state machine.

At most one alarm per (device, type) is active. ``raise_alarm`` is one statement against the
partial unique index ``alarm_one_active_per_device_type``:

    INSERT … ON CONFLICT (device_id, type) WHERE cleared_at IS NULL DO UPDATE …

so two ingest processes racing on the same trigger make one alarm: the database lets one
insert win and turns the other into an update of the winner's row (PostgreSQL waits for the
winner's transaction; SQLite serialises writers). A repeat updates the count, the last-seen
time, the severity (only upwards) and the details; after the alarm is cleared the next
trigger inserts a new one.

Only the statement that inserted the row opens the case and tells whoever is on duty, in the
same transaction; the notices go out when it commits (``notify`` sees to that).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from community_brain.accounts.permissions import CHANGE
from community_brain.core import audit, live
from community_brain.core.errors import IllegalTransition, InvalidInput
from community_brain.devices.choices import SEVERITY_RANK, Severity
from community_brain.devices.models import Alarm, Device, Rule

logger = logging.getLogger(__name__)


class AlarmStatus:
    ACTIVE_UNACK = "active_unack"
    ACTIVE_ACK = "active_ack"
    CLEARED_UNACK = "cleared_unack"
    CLEARED_ACK = "cleared_ack"


# (from status, action) → to status. Anything else is an IllegalTransition.
TRANSITIONS = {
    (AlarmStatus.ACTIVE_UNACK, "acknowledge"): AlarmStatus.ACTIVE_ACK,
    (AlarmStatus.CLEARED_UNACK, "acknowledge"): AlarmStatus.CLEARED_ACK,
    (AlarmStatus.ACTIVE_UNACK, "clear"): AlarmStatus.CLEARED_UNACK,
    (AlarmStatus.ACTIVE_ACK, "clear"): AlarmStatus.CLEARED_ACK,
}


def status_of(alarm: Alarm) -> str:
    if alarm.cleared_at is None:
        return AlarmStatus.ACTIVE_ACK if alarm.acknowledged_at else AlarmStatus.ACTIVE_UNACK
    return AlarmStatus.CLEARED_ACK if alarm.acknowledged_at else AlarmStatus.CLEARED_UNACK


def check_move(alarm: Alarm, action: str) -> str:
    """The status the action leads to, or IllegalTransition naming the move."""
    current = status_of(alarm)
    to = TRANSITIONS.get((current, action))
    if to is None:
        raise IllegalTransition("alarm", current, action)
    return to


# --- raising --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Upserted:
    id: int
    created: bool


def _rank_sql(column: str) -> str:
    whens = " ".join(f"WHEN '{s}' THEN {r}" for s, r in SEVERITY_RANK.items())
    return f"(CASE {column} {whens} ELSE 0 END)"


def _upsert_sql() -> str:
    table = connection.ops.quote_name(Alarm._meta.db_table)
    if connection.vendor == "postgresql":
        later, merged, details = "GREATEST", "{t}.details || EXCLUDED.details", "%s::jsonb"
    else:
        later, merged, details = "MAX", "json_patch({t}.details, EXCLUDED.details)", "json(%s)"
    merged = merged.format(t=table)
    return (
        f"INSERT INTO {table} (device_id, type, severity, rule_id, started_at, last_seen_at,"
        f" count, details) VALUES (%s, %s, %s, %s, %s, %s, %s, {details})"
        " ON CONFLICT (device_id, type) WHERE cleared_at IS NULL DO UPDATE SET"
        f" count = {table}.count + EXCLUDED.count,"
        f" last_seen_at = {later}({table}.last_seen_at, EXCLUDED.last_seen_at),"
        f" severity = CASE WHEN {_rank_sql('EXCLUDED.severity')} > {_rank_sql(f'{table}.severity')}"
        f" THEN EXCLUDED.severity ELSE {table}.severity END,"
        f" details = {merged}"
        " RETURNING id, count"
    )


def upsert(device_id: int, type: str, severity: str, *, rule_id, details, at, repeats=1):
    """The one statement that makes or updates the active alarm. The row was inserted iff
    its count is ``repeats``: an update adds ``repeats`` to a count of at least one."""
    stamp = connection.ops.adapt_datetimefield_value(at)
    params = [device_id, type, severity, rule_id, stamp, stamp, repeats, json.dumps(details)]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), params)
        pk, count = cursor.fetchone()
    return Upserted(id=pk, created=count == repeats)


def _validate(type: str, severity: str, at, repeats: int) -> None:
    if not type or len(type) > 40:
        raise InvalidInput.single("type", "alarm type: give 1 to 40 characters")
    if severity not in Severity.values:
        raise InvalidInput.single("severity", f"unknown severity {severity!r}")
    if at is None or timezone.is_naive(at):
        raise InvalidInput.single("at", "give an aware datetime")
    if repeats < 1:
        raise InvalidInput.single("repeats", "at least 1")


@transaction.atomic
def raise_alarm(
    device: Device,
    type: str,
    severity: str,
    *,
    rule: Rule | None = None,
    details: dict | None = None,
    at: datetime,
    repeats: int = 1,
    source: str | None = None,
) -> tuple[Alarm, bool]:
    """Raise the alarm, or record a repeat of the active one; returns (alarm, created).

    Machine-made (the engine, the sweep, the gates): no permission to check. On creation the
    rule's actions run — open a case (from ``source``, by default a device alarm), tell
    whoever is on duty — in this transaction."""
    _validate(type, severity, at, repeats)
    details = dict(details or {})
    done = upsert(
        device.pk,
        type,
        severity,
        rule_id=rule.pk if rule else None,
        details=details,
        at=at,
        repeats=repeats,
    )
    alarm = Alarm.objects.select_related("device__compound", "device__building", "rule").get(
        pk=done.id
    )
    if not done.created:
        return alarm, False
    audit.record(
        "alarm.raised",
        alarm,
        summary=f"{device.code} {type} ({severity})",
        data={"rule": rule.pk if rule else None, "details": details},
    )
    if rule is not None:
        _run_actions(alarm, rule, at, source)
    _announce(alarm, "alarm")
    return alarm, True


def _announce(alarm: Alarm, kind: str) -> None:
    """Tell the big screen (``core.live``), once this transaction commits."""
    device = alarm.device
    live.publish(
        kind,
        {
            "id": alarm.pk,
            "type": alarm.type,
            "label": label(alarm),
            "severity": alarm.severity,
            "device": device.name,
            "device_code": device.code,
            "compound": device.compound.name if device.compound_id else "",
            "compound_id": device.compound_id,
            "started_at": alarm.started_at,
            "case": alarm.case.code if alarm.case_id else "",
        },
    )


def label(alarm: Alarm) -> str:
    """What the alarm is, in words: its rule's name, or its type."""
    return (alarm.rule.name if alarm.rule else "") or alarm.type


def _place(device: Device) -> str:
    parts = [str(device.compound)]
    if device.building_id:
        parts.append(str(device.building))
    if device.location:
        parts.append(device.location)
    return " ".join(parts)


def describe(alarm: Alarm) -> str:
    """One line saying what was seen, where and when (for the case and the notice)."""
    d = alarm.details or {}
    when = timezone.localtime(alarm.started_at).strftime("%Y-%m-%d %H:%M:%S")
    seen = ""
    if "key" in d:
        seen = f"读数 {d['key']} = {d.get('value')}"
        if d.get("threshold") is not None:
            seen += f"（阈值 {d.get('operator', '')} {d['threshold']}）"
    elif "event_type" in d:
        seen = f"事件 {d['event_type']}"
    elif "silent_since" in d:
        seen = f"自 {d['silent_since']} 起无消息"
    elif "summary" in d:
        seen = str(d["summary"])
    return f"{alarm.device.name}（{alarm.device.code}）@ {_place(alarm.device)}：{seen}，{when}"


def _run_actions(alarm: Alarm, rule: Rule, at, source: str | None = None) -> None:
    case = _open_case(alarm, rule, at, source) if rule.open_case else None
    if rule.notify_on_call:
        _alert(alarm, case)


def _open_case(alarm: Alarm, rule: Rule, at, source: str | None = None):
    """The case for a new alarm, routed like any machine report; the alarm links to it and
    its timeline links back. Bad case settings (no category) leave the alarm without one."""
    from community_brain.cases.choices import EventKind, Source
    from community_brain.cases.services import intake
    from community_brain.cases.services.common import event

    device = alarm.device
    if rule.category_id is None:
        logger.warning("rule %s opens cases but names no category", rule.pk)
        return None
    data = {
        "title": f"{device.name}：{label(alarm)}"[:120],
        "description": describe(alarm),
        "category": rule.category_id,
        "compound": device.compound_id,
        "building": device.building_id or "",
        "address": device.location[:200],
        "lat": device.lat if device.lat is not None else "",
        "lng": device.lng if device.lng is not None else "",
    }
    try:
        with transaction.atomic():
            case = intake.report(
                by=None,
                data=data,
                source=source or Source.DEVICE_ALARM,
                client_token=f"alarm:{alarm.pk}",
                when=at,
            )
    except InvalidInput as exc:
        logger.error("alarm %s: no case opened: %s", alarm.pk, exc)
        Alarm.objects.filter(pk=alarm.pk).update(details={**alarm.details, "case_error": str(exc)})
        return None
    Alarm.objects.filter(pk=alarm.pk).update(case=case)
    alarm.case = case
    event(
        case,
        EventKind.ALARM_RAISED,
        None,
        message=f"{label(alarm)}（#{alarm.pk}）",
        public=False,
        at=at,
        data={
            "alarm": alarm.pk,
            "alarm_event": "raised",
            "severity": alarm.severity,
            "device": alarm.device.code,
        },
    )
    return case


def _alert(alarm: Alarm, case) -> None:
    from community_brain.notify import services as notify

    device = alarm.device
    organisation = case.organisation if case is not None else None
    organisation = organisation or device.compound.property_company
    notify.alert(
        organisation=organisation,
        template="alarm.raised",
        payload={
            "place": _place(device),
            "title": f"{device.name}：{label(alarm)}",
            "detail": describe(alarm),
            "severity": alarm.severity,
            "alarm": alarm.pk,
            "case": case.code if case is not None else "",
        },
        idempotency_key=f"alarm:{alarm.pk}",
        compound=device.compound,
        related=alarm,
    )


# --- clearing and acknowledging ------------------------------------------------------------
def may_change(user, alarm: Alarm) -> bool:
    """Staff and property staff whose scope reaches the alarm's compound (Kind.DEVICES
    change), and admins."""
    return Alarm.objects.filter(pk=alarm.pk).restrict(user, CHANGE).exists()


def _require(user, alarm: Alarm, action: str) -> None:
    if not may_change(user, alarm):
        raise PermissionDenied(f"not allowed to {action} alarm #{alarm.pk}")


def _locked(alarm: Alarm) -> Alarm:
    """The alarm's row under lock (only its own row: the case is nullable)."""
    return (
        Alarm.objects.select_for_update(of=("self",))
        .select_related("device", "case")
        .get(pk=alarm.pk)
    )


@transaction.atomic
def clear_alarm(alarm: Alarm, *, by=None, at: datetime, reason: str) -> Alarm:
    """Clear the active alarm: by a person (``by``, checked) or by a rule (``by=None``).
    The next trigger after this makes a new alarm."""
    if by is not None:
        _require(by, alarm, "clear")
    alarm = _locked(alarm)
    check_move(alarm, "clear")
    alarm.cleared_at = at
    alarm.cleared_by = by if getattr(by, "is_authenticated", False) else None
    alarm.save(update_fields=["cleared_at", "cleared_by"])
    audit.record(
        "alarm.cleared",
        alarm,
        actor=by,
        summary=f"{alarm.device.code} {alarm.type}: {reason}",
        data={"reason": reason},
    )
    if alarm.case_id:
        _case_note(alarm, by, at, f"告警已解除：{reason}", "cleared")
    _announce(alarm, "alarm_cleared")
    return alarm


@transaction.atomic
def acknowledge(alarm: Alarm, by) -> Alarm:
    """Someone has taken the alarm in hand (active or already cleared)."""
    _require(by, alarm, "acknowledge")
    alarm = _locked(alarm)
    check_move(alarm, "acknowledge")
    alarm.acknowledged_at = timezone.now()
    alarm.acknowledged_by = by
    alarm.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record("alarm.acknowledged", alarm, actor=by, summary=f"{alarm.device.code} {alarm.type}")
    if alarm.case_id:
        _case_note(alarm, by, alarm.acknowledged_at, "告警已确认", "acknowledged")
    return alarm


def _case_note(alarm: Alarm, by, at, message: str, what: str) -> None:
    from community_brain.cases.choices import EventKind
    from community_brain.cases.services.common import event

    kind = EventKind.ALARM_CLEARED if what == "cleared" else EventKind.COMMENTED
    event(
        alarm.case,
        kind,
        by,
        message=message,
        public=False,
        at=at,
        data={"alarm": alarm.pk, "alarm_event": what, "device": alarm.device.code},
    )
