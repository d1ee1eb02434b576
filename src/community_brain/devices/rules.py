"""Rule evaluation: trigger → conditions → actions (Home Assistant's automation model).

The pieces here are pure where they can be (compare a value, a time window, hysteresis) so
the engine, the sweep and the rule editor's "try before saving" (``try_rule``) judge alike.

**The rule table.** Each process keeps the active rules and the facts of the devices it has
seen (type, compound) for ``TABLE_SECONDS``; saving or deleting a rule or a device in this
process forgets the table at once, other processes notice within the TTL. A device rule
overrides the device type's rules with the same alarm type.

**Hold ("held for N seconds").** A reading that meets the threshold raises the alarm only if
the condition has held without a break since at least ``hold_seconds`` before it. The
stored telemetry is the truth, whichever ingest process stored it: ``held`` asks the
database (two small queries on the unique (device, key, ts) index) whether any reading in
the window failed the condition and whether the last reading at or before its start met it.
Those queries run only for a reading that meets the threshold while no alarm is active.
"""

from __future__ import annotations

import operator as op
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dtime

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from community_brain.core.errors import InvalidInput
from community_brain.devices.choices import Operator, Trigger
from community_brain.devices.models import Device, DeviceEvent, Rule, Telemetry

TABLE_SECONDS = 5.0
CLEAR_SUFFIX = "_cleared"

COMPARE = {
    Operator.GT: op.gt,
    Operator.GTE: op.ge,
    Operator.LT: op.lt,
    Operator.LTE: op.le,
    Operator.EQ: op.eq,
    Operator.NE: op.ne,
}


# --- pure judgements ------------------------------------------------------------------------
def meets(rule: Rule, value: float) -> bool:
    """The threshold trigger's condition."""
    return COMPARE[rule.operator](value, rule.threshold)


def clears(rule: Rule, value: float) -> bool:
    """Whether a reading clears the rule's active alarm. With ``clear_threshold``
    (hysteresis) an upper alarm (>, ≥) clears at or below it, a lower alarm (<, ≤) at or
    above it; without one (or for = and ≠), as soon as the trigger's condition stops."""
    if rule.clear_threshold is not None:
        if rule.operator in (Operator.GT, Operator.GTE):
            return value <= rule.clear_threshold
        if rule.operator in (Operator.LT, Operator.LTE):
            return value >= rule.clear_threshold
    return not meets(rule, value)


def clear_event_type(rule: Rule) -> str:
    """The event type that clears an event rule's alarm: the rule's own choice, else
    ``<event_type>_cleared``."""
    if rule.clear_event_type:
        return rule.clear_event_type
    return f"{rule.event_type}{CLEAR_SUFFIX}" if rule.event_type else ""


def in_window(start: dtime | None, end: dtime | None, moment: datetime) -> bool:
    """Whether the local (Asia/Shanghai) time of day is in [start, end); a window whose
    start is after its end runs across midnight (22:00–06:00)."""
    if start is None and end is None:
        return True
    t = timezone.localtime(moment).time()
    if start is None:
        return t < end
    if end is None:
        return t >= start
    if start <= end:
        return start <= t < end
    return t >= start or t < end


def conditions_pass(rule: Rule, compound_id: int, moment: datetime) -> bool:
    if rule.compound_id is not None and rule.compound_id != compound_id:
        return False
    return in_window(rule.active_from, rule.active_until, moment)


def check(rule: Rule) -> None:
    """The rule is complete for its trigger, or InvalidInput names the missing field."""
    errors: dict[str, list[str]] = {}
    if rule.device_type_id is None and rule.device_id is None:
        errors["device_type"] = ["Say which device type or device the rule watches."]
    if rule.trigger == Trigger.THRESHOLD:
        if not rule.key:
            errors["key"] = ["A threshold rule needs the telemetry key."]
        if rule.operator not in COMPARE:
            errors["operator"] = ["A threshold rule needs an operator."]
        if rule.threshold is None:
            errors["threshold"] = ["A threshold rule needs the threshold."]
    elif rule.trigger == Trigger.EVENT:
        if not rule.event_type:
            errors["event_type"] = ["An event rule needs the event type."]
    elif rule.trigger in (Trigger.OFFLINE, Trigger.INACTIVITY):
        if not rule.minutes:
            errors["minutes"] = ["Say after how many minutes."]
    else:
        errors["trigger"] = [f"Unknown trigger {rule.trigger!r}."]
    if not rule.alarm_type:
        errors["alarm_type"] = ["Name the alarm type."]
    if errors:
        raise InvalidInput(errors)


def details_for(rule: Rule, value: float) -> dict:
    return {
        "rule": rule.pk,
        "key": rule.key,
        "value": value,
        "operator": Operator(rule.operator).label if rule.operator else "",
        "threshold": rule.threshold,
    }


# --- hold, asked of the stored telemetry ------------------------------------------------------
def _failing(rule: Rule, qs):
    """Readings of a queryset that do not meet the rule (the negation, in SQL)."""
    t = rule.threshold
    negated = {
        Operator.GT: {"value__lte": t},
        Operator.GTE: {"value__lt": t},
        Operator.LT: {"value__gte": t},
        Operator.LTE: {"value__gt": t},
        Operator.EQ: None,
        Operator.NE: {"value": t},
    }[rule.operator]
    return qs.exclude(value=t) if negated is None else qs.filter(**negated)


def held(rule: Rule, device_id: int, ts: datetime) -> bool:
    """Whether the rule's condition has held for ``hold_seconds`` up to the reading at
    ``ts`` (which meets it): no reading in (ts − hold, ts] fails it, and the last reading
    at or before ts − hold meets it."""
    if rule.hold_seconds <= 0:
        return True
    start = ts - timedelta(seconds=rule.hold_seconds)
    readings = Telemetry.objects.filter(device_id=device_id, key=rule.key)
    if _failing(rule, readings.filter(ts__gt=start, ts__lte=ts)).exists():
        return False
    before = readings.filter(ts__lte=start).order_by("-ts").values_list("value", flat=True)[:1]
    return bool(before) and meets(rule, before[0])


# --- the rule table ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DeviceFacts:
    type_id: int
    compound_id: int


@dataclass
class RuleTable:
    by_type: dict[int, list[Rule]]
    by_device: dict[int, list[Rule]]
    expires: float
    devices: dict[int, DeviceFacts] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.by_type and not self.by_device

    def facts(self, device_ids) -> dict[int, DeviceFacts]:
        """The type and compound of each device, from memory or in one query."""
        missing = [d for d in set(device_ids) if d not in self.devices]
        if missing:
            for pk, type_id, compound_id in Device.objects.filter(pk__in=missing).values_list(
                "pk", "type_id", "compound_id"
            ):
                self.devices[pk] = DeviceFacts(type_id, compound_id)
        return self.devices

    def rules_for(self, device_id: int, facts: DeviceFacts) -> list[Rule]:
        own = self.by_device.get(device_id, [])
        general = self.by_type.get(facts.type_id, [])
        if not own:
            return general
        overridden = {r.alarm_type for r in own}
        return own + [r for r in general if r.alarm_type not in overridden]

    def rules_of(self, trigger: str) -> list[Rule]:
        every = [r for rules in self.by_type.values() for r in rules]
        every += [r for rules in self.by_device.values() for r in rules]
        return [r for r in every if r.trigger == trigger]


_table: RuleTable | None = None
_lock = threading.Lock()


def load_table() -> RuleTable:
    by_type: dict[int, list[Rule]] = {}
    by_device: dict[int, list[Rule]] = {}
    for rule in Rule.objects.filter(is_active=True).order_by("pk"):
        if rule.device_id is not None:
            by_device.setdefault(rule.device_id, []).append(rule)
        else:
            by_type.setdefault(rule.device_type_id, []).append(rule)
    return RuleTable(by_type, by_device, expires=time.monotonic() + TABLE_SECONDS)


def table() -> RuleTable:
    """The active rules, kept per process for ``TABLE_SECONDS``."""
    global _table
    current = _table
    if current is None or current.expires <= time.monotonic():
        with _lock:
            current = _table = load_table()
    return current


def forget_table(**_kwargs) -> None:
    """Signal receiver: a rule or a device changed in this process."""
    global _table
    _table = None


for _model in (Rule, Device):
    post_save.connect(forget_table, sender=_model, dispatch_uid=f"rules.forget.{_model.__name__}")
    post_delete.connect(forget_table, sender=_model, dispatch_uid=f"rules.del.{_model.__name__}")


# --- trying a rule ----------------------------------------------------------------------------
@dataclass(frozen=True)
class WouldRaise:
    """An alarm the rule would have raised: on which device, when, why, and when (if at
    all, within the period) it would have cleared."""

    device_id: int
    device: str
    at: datetime
    details: dict
    cleared_at: datetime | None = None
    repeats: int = 1


def _subject_devices(rule: Rule):
    devices = Device.objects.filter(is_active=True)
    if rule.device_id is not None:
        devices = devices.filter(pk=rule.device_id)
    else:
        devices = devices.filter(type_id=rule.device_type_id)
    if rule.compound_id is not None:
        devices = devices.filter(compound_id=rule.compound_id)
    return devices.order_by("pk")


def try_rule(rule: Rule, *, since: datetime, until: datetime | None = None, limit=200):
    """What an (unsaved) rule would have raised from the stored data since a moment —
    nothing is written. Offline and inactivity are judged from the gaps between stored
    messages (status messages are not stored, so a device that was on-line but silent
    looks offline here)."""
    check(rule)
    until = until or timezone.now()
    out: list[WouldRaise] = []
    for device in _subject_devices(rule).only("pk", "name", "compound_id"):
        try_one = {
            Trigger.THRESHOLD: _try_threshold,
            Trigger.EVENT: _try_event,
        }.get(rule.trigger, _try_gaps)
        out += try_one(rule, device, since, until)
        if len(out) >= limit:
            break
    return sorted(out, key=lambda w: (w.at, w.device_id))[:limit]


class _Trial:
    """The state of one device under one rule while replaying history."""

    def __init__(self, rule: Rule, device: Device):
        self.rule, self.device = rule, device
        self.out: list[WouldRaise] = []
        self.active: WouldRaise | None = None

    def raise_(self, at, details):
        if self.active is not None:
            self.active = WouldRaise(**{**self.active.__dict__, "repeats": self.active.repeats + 1})
            self.out[-1] = self.active
            return
        if not conditions_pass(self.rule, self.device.compound_id, at):
            return
        self.active = WouldRaise(self.device.pk, self.device.name, at, details)
        self.out.append(self.active)

    def clear(self, at):
        if self.active is not None:
            self.out[-1] = WouldRaise(**{**self.active.__dict__, "cleared_at": at})
            self.active = None


def _try_threshold(rule, device, since, until):
    trial, held_since = _Trial(rule, device), None
    readings = Telemetry.objects.filter(
        device_id=device.pk, key=rule.key, ts__gte=since - timedelta(seconds=rule.hold_seconds)
    ).filter(ts__lte=until)
    for ts, value in readings.order_by("ts").values_list("ts", "value").iterator():
        if meets(rule, value):
            held_since = held_since or ts
            long_enough = (ts - held_since).total_seconds() >= rule.hold_seconds
            if ts >= since and long_enough:
                trial.raise_(ts, details_for(rule, value))
        else:
            held_since = None
        if trial.active is not None and clears(rule, value):
            trial.clear(ts)
    return trial.out


def _try_event(rule, device, since, until):
    trial = _Trial(rule, device)
    paired = clear_event_type(rule)
    events = DeviceEvent.objects.filter(
        device_id=device.pk, type__in=[rule.event_type, paired], ts__gte=since, ts__lte=until
    )
    for ts, kind, event_id in events.order_by("ts").values_list("ts", "type", "event_id"):
        if kind == rule.event_type:
            trial.raise_(ts, {"rule": rule.pk, "event_type": kind, "event_id": event_id})
        else:
            trial.clear(ts)
    return trial.out


def activity_times(rule: Rule, device_id: int, since, until) -> list[datetime]:
    """When the device showed activity: for inactivity, its events (of ``event_type`` when
    given) and non-zero readings of ``key`` when given; for offline, any message stored."""
    events = DeviceEvent.objects.filter(device_id=device_id, ts__gte=since, ts__lte=until)
    readings = Telemetry.objects.filter(device_id=device_id, ts__gte=since, ts__lte=until)
    if rule.trigger == Trigger.INACTIVITY:
        if rule.event_type:
            events = events.filter(type=rule.event_type)
        readings = readings.filter(key=rule.key).exclude(value=0) if rule.key else readings.none()
    times = set(events.values_list("ts", flat=True)) | set(readings.values_list("ts", flat=True))
    return sorted(times)


def _try_gaps(rule, device, since, until):
    trial, gap = _Trial(rule, device), timedelta(minutes=rule.minutes)
    times = activity_times(rule, device.pk, since, until)
    for previous, current in zip(times, [*times[1:], until], strict=True):
        if current - previous >= gap:
            trial.raise_(
                previous + gap,
                {"rule": rule.pk, "silent_since": timezone.localtime(previous).isoformat()},
            )
            if current < until:
                trial.clear(current)
    return trial.out
