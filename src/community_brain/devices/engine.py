"""The rules engine: given messages just stored, evaluate the rules of their devices and
raise, update or clear alarms.

Ingest calls ``process`` with the NEW messages of a batch, inside the transaction that
stored them. It is on the hot path (thousands of messages a second), so in the common case —
nothing triggers — it costs no query per message:

1. the rule table and the devices' type and compound come from the per-process table
   (``rules.table``: no query while it is fresh, one for devices it has not seen);
2. every (message × applicable rule) is judged in memory into *steps*: "raise" (the trigger
   fired and the conditions pass) or "clear" (a reading on the clearing side, a paired
   clear event);
3. if there are steps, ONE query fetches the active alarms of those (device, alarm type)
   pairs; a clear step for a pair without an active alarm is dropped, a raise step for a
   pair with one becomes a repeat;
4. only then are there writes: per pair, in a fixed order (device, type) so two processes
   lock rows in the same order, the steps run in time order. A raise with a hold asks the
   stored telemetry whether the condition has held long enough (``rules.held``).

Offline and inactivity are not judged here but by the periodic ``sweep``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from community_brain.core.errors import IllegalTransition
from community_brain.devices import alarms, rules
from community_brain.devices.choices import Trigger
from community_brain.devices.messages import Event, Message, Reading
from community_brain.devices.models import Alarm, Device, Rule

logger = logging.getLogger(__name__)

RAISE, CLEAR = "raise", "clear"


@dataclass(frozen=True, slots=True)
class Step:
    device_id: int
    rule: Rule
    action: str  # RAISE or CLEAR
    ts: datetime
    details: dict


def process(messages: list[Message]) -> None:
    """Evaluate the rules for newly stored messages (duplicates are not passed in). Called by
    ingest inside the transaction that stored them."""
    if not messages:
        return
    table = rules.table()
    if table.empty:
        return
    facts = table.facts(m.device_id for m in messages)
    steps = [step for m in messages for step in _judge(table, facts, m)]
    if steps:
        apply(steps)


def _judge(table: rules.RuleTable, facts, message: Message):
    fact = facts.get(message.device_id)
    if fact is None:
        return
    for rule in table.rules_for(message.device_id, fact):
        if rule.trigger == Trigger.THRESHOLD and isinstance(message, Reading):
            step = _judge_reading(rule, fact, message)
        elif rule.trigger == Trigger.EVENT and isinstance(message, Event):
            step = _judge_event(rule, fact, message)
        else:
            continue
        if step is not None:
            yield step


def _judge_reading(rule: Rule, fact, reading: Reading) -> Step | None:
    value = reading.values.get(rule.key)
    if value is None:
        return None
    if rules.meets(rule, value):
        if not rules.conditions_pass(rule, fact.compound_id, reading.ts):
            return None
        details = {**rules.details_for(rule, value), "ts": reading.ts.isoformat()}
        return Step(reading.device_id, rule, RAISE, reading.ts, details)
    if rules.clears(rule, value):
        reason = f"{rule.key} = {value}"
        return Step(reading.device_id, rule, CLEAR, reading.ts, {"reason": reason})
    return None  # between the threshold and the clearing value: hysteresis keeps the state


def _judge_event(rule: Rule, fact, event: Event) -> Step | None:
    if event.type == rule.event_type:
        if not rules.conditions_pass(rule, fact.compound_id, event.ts):
            return None
        details = {
            "rule": rule.pk,
            "event_type": event.type,
            "event_id": event.event_id,
            "data": event.data,
        }
        return Step(event.device_id, rule, RAISE, event.ts, details)
    if event.type == rules.clear_event_type(rule):
        return Step(event.device_id, rule, CLEAR, event.ts, {"reason": f"event {event.type}"})
    return None


# --- applying the steps -------------------------------------------------------------------
@dataclass
class _Active:
    alarm_id: int
    rule_id: int | None


def _active_alarms(pairs) -> dict[tuple[int, str], _Active]:
    """The active alarms of the (device, type) pairs, in one query."""
    devices = {d for d, _t in pairs}
    types = {t for _d, t in pairs}
    rows = Alarm.objects.filter(
        cleared_at__isnull=True, device_id__in=devices, type__in=types
    ).values_list("device_id", "type", "id", "rule_id")
    return {(d, t): _Active(pk, rule_id) for d, t, pk, rule_id in rows if (d, t) in pairs}


def apply(steps: list[Step]) -> None:
    groups: dict[tuple[int, str], list[Step]] = defaultdict(list)
    for step in steps:
        groups[(step.device_id, step.rule.alarm_type)].append(step)
    active = _active_alarms(set(groups))
    # Pairs with only clears and no active alarm — the common case — end here.
    for key in [k for k, g in groups.items() if k not in active]:
        if all(s.action == CLEAR for s in groups[key]):
            del groups[key]
    if not groups:
        return
    devices = _devices_to_raise(groups)
    for key in sorted(groups):
        _apply_pair(devices, active.get(key), sorted(groups[key], key=lambda s: s.ts))


def _devices_to_raise(groups) -> dict[int, Device]:
    ids = {d for (d, _t), g in groups.items() if any(s.action == RAISE for s in g)}
    if not ids:
        return {}
    return Device.objects.select_related("compound", "building").in_bulk(ids)


def _apply_pair(devices, current: _Active | None, steps: list[Step]) -> None:
    """One (device, alarm type): the steps in time order; consecutive repeats of an active
    alarm are written as one update."""
    pending: list[Step] = []
    for step in steps:
        if step.action == RAISE:
            if current is None:
                if not rules.held(step.rule, step.device_id, step.ts):
                    continue
                current = _raise(devices, [step])
            else:
                pending.append(step)
        elif current is not None and _may_clear(step.rule, current):
            if pending:
                _raise(devices, pending)
                pending = []
            _clear(current, step)
            current = None
    if pending:
        _raise(devices, pending)


def _may_clear(rule: Rule, current: _Active) -> bool:
    """A rule clears the alarm it raised (or one whose rule is gone)."""
    return current.rule_id in (rule.pk, None)


def _raise(devices, steps: list[Step]) -> _Active:
    last = steps[-1]
    rule = last.rule
    alarm, _created = alarms.raise_alarm(
        devices[last.device_id],
        rule.alarm_type,
        rule.severity,
        rule=rule,
        details=last.details,
        at=steps[0].ts if len(steps) == 1 else last.ts,
        repeats=len(steps),
    )
    return _Active(alarm.pk, alarm.rule_id)


def _clear(current: _Active, step: Step) -> None:
    try:
        alarms.clear_alarm(
            Alarm(pk=current.alarm_id), by=None, at=step.ts, reason=step.details["reason"]
        )
    except (IllegalTransition, Alarm.DoesNotExist):
        logger.info("alarm %s was already cleared", current.alarm_id)
