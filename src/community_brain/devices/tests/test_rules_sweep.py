"""The periodic device sweep under a frozen clock: devices go off-line, offline and
inactivity rules raise their alarms and clear them when the device speaks again."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from community_brain.devices import sweep
from community_brain.devices.choices import Trigger
from community_brain.devices.models import Alarm, DeviceEvent
from community_brain.devices.tests.test_rules_engine import (
    NOON,
    active,
    make_device,
    make_rule,
    make_type,
)
from community_brain.notify import periodic


def test_the_sweep_runs_every_minute():
    job = periodic.job("devices.sweep")
    assert job.every == timedelta(minutes=1)


def test_offline_for_n_minutes(world):
    kind = make_type("water", keys=("level",), events=())
    gauge = make_device(world, kind, code="W-1", last_seen=NOON)
    never = make_device(world, kind, code="W-2", last_seen=None, online=False)
    make_rule(kind, trigger=Trigger.OFFLINE, minutes=45, alarm_type="offline", key="", operator="")
    with time_machine.travel(NOON, tick=False) as clock:
        clock.shift(timedelta(minutes=30))
        assert sweep.sweep() == {"marked_offline": 0, "raised": 0, "cleared": 0}
        clock.shift(timedelta(seconds=1))  # silent for longer than the type allows
        assert sweep.sweep()["marked_offline"] == 1
        gauge.refresh_from_db()
        assert gauge.online is False
        assert not Alarm.objects.exists()
        clock.shift(timedelta(minutes=14, seconds=59))  # 45 minutes since last seen
        assert sweep.sweep() == {"marked_offline": 0, "raised": 1, "cleared": 0}
        assert sweep.sweep()["raised"] == 0  # the next minute: already active
        alarm = active(gauge, "offline").get()
        assert alarm.started_at == NOON + timedelta(minutes=45) and alarm.count == 1
        assert not Alarm.objects.filter(device=never).exists()  # never heard of: not "offline"
        clock.shift(timedelta(minutes=10))
        gauge.online, gauge.last_seen = True, NOON + timedelta(minutes=55)  # ingest saw it
        gauge.save()
        assert sweep.sweep()["cleared"] == 1
    alarm.refresh_from_db()
    assert alarm.cleared_at == NOON + timedelta(minutes=55)


def test_a_last_will_counts_from_the_moment_it_came(world):
    kind = make_type("door", keys=("open",), events=())
    door = make_device(world, kind, code="M-1", last_seen=NOON)
    door.online, door.status_changed_at = False, NOON + timedelta(minutes=1)
    door.save()
    make_rule(kind, trigger=Trigger.OFFLINE, minutes=10, alarm_type="offline", key="", operator="")
    with time_machine.travel(NOON + timedelta(minutes=10), tick=False):
        assert sweep.sweep()["raised"] == 1  # silent for 10 minutes since last seen


def test_no_activity_for_n_hours(world):
    kind = make_type("activity", keys=("motion",), events=("motion",))
    sensor = make_device(world, kind, code="E-1")
    DeviceEvent.objects.create(device=sensor, event_id="m1", type="motion", ts=NOON)
    DeviceEvent.objects.create(device=sensor, event_id="h1", type="heartbeat", ts=NOON)
    make_rule(
        kind,
        name="独居老人12小时无活动",
        trigger=Trigger.INACTIVITY,
        minutes=12 * 60,
        event_type="motion",
        alarm_type="no_activity",
        key="",
        operator="",
    )
    with time_machine.travel(NOON, tick=False) as clock:
        clock.shift(timedelta(hours=11, minutes=59))
        DeviceEvent.objects.create(  # heartbeats are not activity
            device=sensor, event_id="h2", type="heartbeat", ts=NOON + timedelta(hours=11)
        )
        assert sweep.sweep()["raised"] == 0
        clock.shift(timedelta(minutes=1))
        assert sweep.sweep()["raised"] == 1
        assert sweep.sweep()["raised"] == 0
        alarm = active(sensor, "no_activity").get()
        assert alarm.details["silent_since"] == NOON.isoformat()
        clock.shift(timedelta(minutes=30))
        moved = NOON + timedelta(hours=12, minutes=20)
        DeviceEvent.objects.create(device=sensor, event_id="m2", type="motion", ts=moved)
        assert sweep.sweep()["cleared"] == 1
    alarm.refresh_from_db()
    assert alarm.cleared_at == moved


def test_inactivity_by_non_zero_readings_of_a_key(world):
    kind = make_type("activity", keys=("motion",), events=())
    sensor = make_device(world, kind, code="E-2")
    from community_brain.devices.models import Telemetry

    Telemetry.objects.create(device=sensor, key="motion", ts=NOON, value=3)
    Telemetry.objects.create(device=sensor, key="motion", ts=NOON + timedelta(hours=1), value=0)
    make_rule(
        kind,
        trigger=Trigger.INACTIVITY,
        minutes=60,
        key="motion",
        operator="",
        alarm_type="no_activity",
    )
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        assert sweep.sweep()["raised"] == 1  # a zero count is no activity
