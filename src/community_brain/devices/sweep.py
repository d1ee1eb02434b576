"""The device sweep, run every minute by the worker (``notify.periodic.SCHEDULE``): what can
only be noticed by the passing of time.

1. **Offline state.** A device on-line but silent for longer than its type's
   ``offline_after_minutes`` is marked off-line.
2. **Offline rules** ("offline for N minutes"): a device heard of before and silent for N
   minutes, or marked off-line (by its last will or step 1) for N minutes, gets the rule's
   alarm; it clears once the device is on-line and has spoken within the last N minutes.
3. **Inactivity rules** ("no activity for N minutes", the elderly-activity sensor): no
   event (of the rule's ``event_type`` when given) and no non-zero reading of the rule's
   ``key`` (when given) for N minutes; it clears at the next activity.

Safe to run on several workers at once: marking off-line is a conditional update, devices
with an active alarm of the rule's type are skipped, and ``raise_alarm`` is an upsert.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from community_brain.core import clock
from community_brain.core.errors import IllegalTransition
from community_brain.devices import alarms, rules
from community_brain.devices.choices import Trigger
from community_brain.devices.models import Alarm, Device, DeviceEvent, DeviceType, Rule, Telemetry

logger = logging.getLogger(__name__)


def sweep(at: datetime | None = None) -> dict:
    at = at or clock.now()
    counts = {"marked_offline": mark_offline(at), "raised": 0, "cleared": 0}
    table = rules.table()
    for rule in table.rules_of(Trigger.OFFLINE):
        raised, cleared = _offline(rule, at)
        counts["raised"] += raised
        counts["cleared"] += cleared
    for rule in table.rules_of(Trigger.INACTIVITY):
        raised, cleared = _inactivity(rule, at)
        counts["raised"] += raised
        counts["cleared"] += cleared
    return counts


def mark_offline(at: datetime) -> int:
    """Devices silent for longer than their type allows are off-line from now on."""
    marked = 0
    for type_id, minutes in DeviceType.objects.values_list("pk", "offline_after_minutes"):
        marked += Device.objects.filter(
            type_id=type_id, online=True, last_seen__lt=at - timedelta(minutes=minutes)
        ).update(online=False, status_changed_at=at)
    return marked


def _devices(rule: Rule):
    """The active devices the rule watches (its conditions' compound included)."""
    devices = Device.objects.filter(is_active=True)
    if rule.device_id is not None:
        devices = devices.filter(pk=rule.device_id)
    else:
        own = Rule.objects.filter(device=OuterRef("pk"), is_active=True, alarm_type=rule.alarm_type)
        devices = devices.filter(type_id=rule.device_type_id).exclude(Exists(own))  # overridden
    if rule.compound_id is not None:
        devices = devices.filter(compound_id=rule.compound_id)
    return devices


def _with_active(rule: Rule):
    return Exists(
        Alarm.objects.filter(device=OuterRef("pk"), type=rule.alarm_type, cleared_at__isnull=True)
    )


def _active_of(rule: Rule):
    return Alarm.objects.filter(rule=rule, cleared_at__isnull=True).select_related("device")


# --- offline --------------------------------------------------------------------------------
def _offline(rule: Rule, at: datetime) -> tuple[int, int]:
    since = at - timedelta(minutes=rule.minutes)
    silent = Q(last_seen__lte=since) | Q(online=False, status_changed_at__lte=since)
    candidates = (
        _devices(rule)
        .filter(silent, last_seen__isnull=False)
        .annotate(alarmed=_with_active(rule))
        .filter(alarmed=False)
        .select_related("compound", "building")
    )
    raised = 0
    for device in candidates:
        if rules.conditions_pass(rule, device.compound_id, at):
            details = {"rule": rule.pk, "silent_since": _local(device.last_seen)}
            raised += _raise(device, rule, details, at)
    cleared = 0
    for alarm in _active_of(rule).filter(device__online=True, device__last_seen__gt=since):
        cleared += _clear(alarm, at, "the device is back on-line")
    return raised, cleared


# --- inactivity -----------------------------------------------------------------------------
def last_activity(rule: Rule, device_ids) -> dict[int, datetime]:
    """The latest activity of each device by the rule's meaning, in two grouped queries."""
    events = DeviceEvent.objects.filter(device_id__in=device_ids)
    if rule.event_type:
        events = events.filter(type=rule.event_type)
    latest = dict(
        events.values("device_id").annotate(last=Max("ts")).values_list("device_id", "last")
    )
    if rule.key:
        readings = Telemetry.objects.filter(device_id__in=device_ids, key=rule.key).exclude(value=0)
        for device_id, last in (
            readings.values("device_id").annotate(last=Max("ts")).values_list("device_id", "last")
        ):
            latest[device_id] = max(last, latest.get(device_id, last))
    return latest


def _inactivity(rule: Rule, at: datetime) -> tuple[int, int]:
    since = at - timedelta(minutes=rule.minutes)
    devices = list(
        _devices(rule)
        .annotate(alarmed=_with_active(rule))
        .filter(alarmed=False)
        .select_related("compound", "building")
    )
    latest = last_activity(rule, [d.pk for d in devices])
    raised = 0
    for device in devices:
        last = latest.get(device.pk, device.created_at)  # never active: since installed
        if last <= since and rules.conditions_pass(rule, device.compound_id, at):
            details = {"rule": rule.pk, "silent_since": _local(last)}
            raised += _raise(device, rule, details, at)
    active = list(_active_of(rule))
    latest = last_activity(rule, [a.device_id for a in active])
    cleared = 0
    for alarm in active:
        last = latest.get(alarm.device_id)
        if last is not None and last > alarm.started_at:
            cleared += _clear(alarm, last, "activity again")
    return raised, cleared


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


# --- writes ---------------------------------------------------------------------------------
def _raise(device: Device, rule: Rule, details: dict, at: datetime) -> int:
    _alarm, created = alarms.raise_alarm(
        device, rule.alarm_type, rule.severity, rule=rule, details=details, at=at
    )
    return int(created)


def _clear(alarm: Alarm, at: datetime, reason: str) -> int:
    try:
        alarms.clear_alarm(alarm, by=None, at=at, reason=reason)
    except IllegalTransition:  # another worker cleared it meanwhile
        return 0
    return 1
