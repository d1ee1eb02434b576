"""The rules engine on stored messages: threshold with and without a hold, hysteresis,
event triggers and their paired clear, time windows across midnight, the compound condition,
device rules overriding type rules — and trying a rule before saving it."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from community_brain.devices import engine, rules
from community_brain.devices.choices import Severity, Trigger
from community_brain.devices.messages import Event, Reading
from community_brain.devices.models import Alarm, Device, DeviceEvent, DeviceType, Rule, Telemetry

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    """A moment in Beijing time: at(2026, 3, 10, 23, 30)."""
    return datetime(*args, tzinfo=SHANGHAI)


NOON = at(2026, 3, 10, 12, 0)


# --- helpers shared by the devices' rule and alarm tests --------------------------------------
def make_type(code="smoke", keys=("smoke", "temp"), events=("smoke_alarm",)) -> DeviceType:
    return DeviceType.objects.create(
        code=code,
        name=f"{code} sensor",
        keys={k: {"label": k} for k in keys},
        events=[*events, *(f"{e}_cleared" for e in events)],
        offline_after_minutes=30,
    )


def make_device(w, kind: DeviceType, code="D-1", compound="a", building="a1", **kw) -> Device:
    return Device.objects.create(
        code=code,
        name=f"{code} 烟感",
        type=kind,
        compound=w.compounds[compound],
        building=w.buildings[building] if building else None,
        location="2单元5层",
        online=kw.pop("online", True),
        last_seen=kw.pop("last_seen", NOON),
        **kw,
    )


def make_rule(kind=None, **kw) -> Rule:
    defaults = {
        "name": "烟雾浓度超标",
        "device_type": kind,
        "trigger": Trigger.THRESHOLD,
        "key": "smoke",
        "operator": "gt",
        "threshold": 5.0,
        "alarm_type": "smoke",
        "severity": Severity.CRITICAL,
        "open_case": False,
        "notify_on_call": False,
    }
    return Rule.objects.create(**{**defaults, **kw})


def send(device: Device, ts: datetime, **values) -> None:
    """What ingest does: store the reading, then hand it to the engine."""
    Telemetry.objects.bulk_create(
        [Telemetry(device=device, key=k, ts=ts, value=v) for k, v in values.items()]
    )
    engine.process([Reading(device_id=device.pk, ts=ts, values=values)])


def emit(device: Device, ts: datetime, type: str, event_id: str) -> None:
    DeviceEvent.objects.create(device=device, event_id=event_id, type=type, ts=ts)
    engine.process([Event(device_id=device.pk, event_id=event_id, type=type, ts=ts)])


def active(device, type="smoke"):
    return Alarm.objects.filter(device=device, type=type, cleared_at__isnull=True)


# --- threshold ---------------------------------------------------------------------------------
def test_nothing_happens_below_the_threshold(device, smoke, django_assert_max_num_queries):
    make_rule(smoke)
    rules.table().facts([device.pk])
    with django_assert_max_num_queries(1):  # the active-alarm lookup of the batch, no more
        engine.process([Reading(device_id=device.pk, ts=NOON, values={"smoke": 1.0})] * 50)
    assert not Alarm.objects.exists()


def test_a_reading_beyond_the_threshold_raises_at_once_without_a_hold(device, smoke):
    rule = make_rule(smoke)
    send(device, NOON, smoke=7.5)
    alarm = active(device).get()
    assert (alarm.rule, alarm.severity, alarm.started_at, alarm.count) == (
        rule,
        Severity.CRITICAL,
        NOON,
        1,
    )
    assert alarm.details["value"] == 7.5 and alarm.details["key"] == "smoke"


def test_repeats_update_the_active_alarm(device, smoke):
    make_rule(smoke)
    for i, value in enumerate((6, 8, 9)):
        send(device, NOON + timedelta(seconds=10 * i), smoke=value)
    alarm = active(device).get()
    assert alarm.count == 3
    assert alarm.started_at == NOON and alarm.last_seen_at == NOON + timedelta(seconds=20)
    assert alarm.details["value"] == 9


def test_repeats_within_one_batch_are_one_update(device, smoke):
    make_rule(smoke)
    readings = [
        Reading(device_id=device.pk, ts=NOON + timedelta(seconds=i), values={"smoke": 6.0 + i})
        for i in range(4)
    ]
    engine.process(readings)
    alarm = active(device).get()
    assert alarm.count == 4 and alarm.last_seen_at == NOON + timedelta(seconds=3)


def test_with_a_hold_the_condition_must_hold_without_a_break(device, smoke):
    make_rule(smoke, hold_seconds=60)
    send(device, NOON, smoke=7)
    send(device, NOON + timedelta(seconds=30), smoke=7)
    assert not Alarm.objects.exists()
    send(device, NOON + timedelta(seconds=45), smoke=2)  # a break: start again
    send(device, NOON + timedelta(seconds=60), smoke=7)
    send(device, NOON + timedelta(seconds=90), smoke=7)
    assert not Alarm.objects.exists()  # held only since 00:60
    send(device, NOON + timedelta(seconds=119), smoke=7)
    assert not Alarm.objects.exists()
    send(device, NOON + timedelta(seconds=120), smoke=7)  # held for 60 s
    alarm = active(device).get()
    assert alarm.started_at == NOON + timedelta(seconds=120) and alarm.count == 1


def test_the_hold_counts_readings_stored_by_other_processes(device, smoke):
    """The window is read from the database, not from this process's memory."""
    make_rule(smoke, hold_seconds=60)
    Telemetry.objects.bulk_create(
        [
            Telemetry(device=device, key="smoke", ts=NOON + timedelta(seconds=s), value=8)
            for s in (0, 20, 40)
        ]
    )
    send(device, NOON + timedelta(seconds=60), smoke=8)
    assert active(device).exists()


def test_hysteresis_clears_only_at_the_clearing_value(device, smoke):
    make_rule(smoke, threshold=80, clear_threshold=70, key="temp", alarm_type="hot")
    send(device, NOON, temp=85)
    send(device, NOON + timedelta(minutes=1), temp=75)  # below 80, not yet 70
    alarm = active(device, "hot").get()
    assert alarm.count == 1
    send(device, NOON + timedelta(minutes=2), temp=70)
    alarm.refresh_from_db()
    assert alarm.cleared_at == NOON + timedelta(minutes=2) and alarm.cleared_by is None


def test_without_a_clearing_value_the_alarm_clears_when_the_condition_stops(device, smoke):
    make_rule(smoke, operator="lt", threshold=0.2, key="temp", alarm_type="pressure_low")
    send(device, NOON, temp=0.1)
    assert active(device, "pressure_low").exists()
    send(device, NOON + timedelta(minutes=1), temp=0.25)
    assert not active(device, "pressure_low").exists()


def test_after_clearing_the_next_trigger_makes_a_new_alarm(device, smoke):
    make_rule(smoke)
    send(device, NOON, smoke=9)
    send(device, NOON + timedelta(minutes=1), smoke=1)
    send(device, NOON + timedelta(minutes=2), smoke=9)
    first, second = Alarm.objects.filter(device=device).order_by("id")
    assert first.cleared_at == NOON + timedelta(minutes=1)
    assert second.cleared_at is None and second.started_at == NOON + timedelta(minutes=2)


def test_raise_and_clear_in_one_batch_are_applied_in_time_order(device, smoke):
    make_rule(smoke)
    engine.process(
        [
            Reading(device_id=device.pk, ts=NOON + timedelta(seconds=2), values={"smoke": 9.0}),
            Reading(device_id=device.pk, ts=NOON + timedelta(seconds=1), values={"smoke": 1.0}),
            Reading(device_id=device.pk, ts=NOON, values={"smoke": 9.0}),
        ]
    )
    first, second = Alarm.objects.filter(device=device).order_by("id")
    assert first.cleared_at == NOON + timedelta(seconds=1) and second.cleared_at is None


# --- events --------------------------------------------------------------------------------
def test_an_event_raises_and_its_paired_event_clears(device, smoke):
    make_rule(smoke, trigger=Trigger.EVENT, event_type="smoke_alarm", key="", operator="")
    emit(device, NOON, "smoke_alarm", "e1")
    emit(device, NOON + timedelta(seconds=5), "smoke_alarm", "e2")
    alarm = active(device).get()
    assert alarm.count == 2 and alarm.details["event_id"] == "e2"
    emit(device, NOON + timedelta(minutes=3), "smoke_alarm_cleared", "e3")
    alarm.refresh_from_db()
    assert alarm.cleared_at == NOON + timedelta(minutes=3)


# --- conditions ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("moment", "fires"),
    [
        (at(2026, 3, 10, 21, 59), False),
        (at(2026, 3, 10, 22, 0), True),
        (at(2026, 3, 10, 23, 59), True),
        (at(2026, 3, 11, 0, 0), True),
        (at(2026, 3, 11, 5, 59), True),
        (at(2026, 3, 11, 6, 0), False),
        (at(2026, 3, 11, 12, 0), False),
    ],
)
def test_a_time_window_across_midnight_in_beijing_time(device, smoke, moment, fires):
    make_rule(
        smoke,
        trigger=Trigger.EVENT,
        event_type="smoke_alarm",
        active_from=time(22, 0),
        active_until=time(6, 0),
    )
    emit(device, moment, "smoke_alarm", "e1")
    assert active(device).exists() is fires


def test_window_edges():
    moment = at(2026, 3, 10, 8, 0)
    assert rules.in_window(None, None, moment)
    assert rules.in_window(time(8, 0), None, moment) and not rules.in_window(None, time(8), moment)
    assert rules.in_window(time(7), time(9), moment) and not rules.in_window(
        time(9), time(17), moment
    )


def test_the_compound_condition(world, smoke):
    in_a = make_device(world, smoke, code="D-a")
    in_b = make_device(world, smoke, code="D-b", compound="b", building="b1")
    make_rule(smoke, compound=world.compounds["b"])
    send(in_a, NOON, smoke=9)
    send(in_b, NOON, smoke=9)
    assert not active(in_a).exists() and active(in_b).exists()


def test_a_device_rule_overrides_its_types_rule_of_the_same_alarm_type(world, smoke):
    special = make_device(world, smoke, code="D-kitchen")
    ordinary = make_device(world, smoke, code="D-hall")
    make_rule(smoke)
    make_rule(None, device=special, threshold=20, name="厨房烟感")
    send(special, NOON, smoke=9)
    send(ordinary, NOON, smoke=9)
    assert not active(special).exists() and active(ordinary).exists()
    send(special, NOON + timedelta(seconds=1), smoke=25)
    assert active(special).get().rule.name == "厨房烟感"


def test_inactive_rules_and_rule_changes_are_seen(device, smoke):
    rule = make_rule(smoke, is_active=False)
    send(device, NOON, smoke=9)
    assert not Alarm.objects.exists()
    rule.is_active = True
    rule.save()  # forgets this process's table at once
    send(device, NOON + timedelta(seconds=1), smoke=9)
    assert active(device).exists()


# --- trying a rule -------------------------------------------------------------------------
def test_trying_an_unsaved_rule_writes_nothing(world, smoke, device, django_assert_num_queries):
    values = [1, 6, 7, 7, 2, 8, 8, 8, 1]
    Telemetry.objects.bulk_create(
        [
            Telemetry(device=device, key="smoke", ts=NOON + timedelta(seconds=30 * i), value=v)
            for i, v in enumerate(values)
        ]
    )
    rule = Rule(
        name="试一试",
        device_type=smoke,
        trigger=Trigger.THRESHOLD,
        key="smoke",
        operator="gt",
        threshold=5,
        hold_seconds=60,
        alarm_type="smoke",
    )
    found = rules.try_rule(rule, since=NOON - timedelta(hours=1), until=NOON + timedelta(hours=1))
    # above 5 from 30 s: held at 90 s, cleared by the 2 at 120 s; again from 150 s: held at 210 s
    s = lambda seconds: NOON + timedelta(seconds=seconds)  # noqa: E731
    assert [(w.device_id, w.at, w.cleared_at, w.repeats) for w in found] == [
        (device.pk, s(90), s(120), 1),
        (device.pk, s(210), s(240), 1),
    ]
    assert not Alarm.objects.exists()
    no_hold = Rule(**{f.attname: getattr(rule, f.attname) for f in Rule._meta.concrete_fields})
    no_hold.hold_seconds = 0
    found = rules.try_rule(
        no_hold, since=NOON - timedelta(hours=1), until=NOON + timedelta(hours=1)
    )
    assert [(w.at, w.repeats) for w in found] == [
        (NOON + timedelta(seconds=30), 3),
        (NOON + timedelta(seconds=150), 3),
    ]


def test_trying_event_and_inactivity_rules(world, device):
    activity = make_type("activity", keys=("motion",), events=("motion",))
    sensor = make_device(world, activity, code="E-1")
    for i, hours in enumerate((0, 1, 2, 9, 10)):
        DeviceEvent.objects.create(
            device=sensor, event_id=f"m{i}", type="motion", ts=NOON + timedelta(hours=hours)
        )
    rule = Rule(
        name="老人无活动",
        device_type=activity,
        trigger=Trigger.INACTIVITY,
        minutes=6 * 60,
        event_type="motion",
        alarm_type="no_activity",
    )
    found = rules.try_rule(
        rule, since=NOON - timedelta(minutes=1), until=NOON + timedelta(hours=20)
    )
    assert [(w.at, w.cleared_at) for w in found] == [
        (NOON + timedelta(hours=8), NOON + timedelta(hours=9)),
        (NOON + timedelta(hours=16), None),
    ]
    events = Rule(
        name="烟感",
        device_type=activity,
        trigger=Trigger.EVENT,
        event_type="motion",
        alarm_type="motion",
    )
    found = rules.try_rule(events, since=NOON, until=NOON + timedelta(hours=20))
    assert len(found) == 1 and found[0].repeats == 5


def test_an_incomplete_rule_is_refused_naming_the_field(smoke):
    from community_brain.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        rules.try_rule(
            Rule(device_type=smoke, trigger=Trigger.THRESHOLD, alarm_type="x"), since=NOON
        )
    assert set(caught.value.field_errors) == {"key", "operator", "threshold"}


def test_a_rule_may_name_the_event_that_clears_it():
    from community_brain.devices.models import Rule
    from community_brain.devices.rules import clear_event_type

    assert clear_event_type(Rule(event_type="smoke_alarm")) == "smoke_alarm_cleared"
    assert clear_event_type(Rule(event_type="door_open", clear_event_type="door_closed")) == (
        "door_closed"
    )
