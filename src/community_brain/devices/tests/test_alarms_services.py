"""Alarm services: one active alarm per device and type (also when processes race), the case
it opens and the urgent notice it sends, the state machine, permissions and audit rows."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.utils import timezone

from community_brain.cases import timeline
from community_brain.cases.choices import EventKind, Source, Status
from community_brain.cases.models import Case, CaseEvent
from community_brain.core.errors import IllegalTransition, InvalidInput
from community_brain.core.models import AuditLog
from community_brain.devices import alarms, engine
from community_brain.devices.alarms import AlarmStatus
from community_brain.devices.choices import Severity, Trigger
from community_brain.devices.messages import Event
from community_brain.devices.models import Alarm, DeviceEvent
from community_brain.devices.tests.test_rules_engine import (
    NOON,
    active,
    make_device,
    make_rule,
    make_type,
)
from community_brain.notify.models import Notice, Shift
from community_brain.testing import make_case_setup


def _raise(device, severity=Severity.MINOR, at=NOON, **details):
    return alarms.raise_alarm(device, "smoke", severity, details=details, at=at)


# --- one active alarm, repeats, new after clearing -------------------------------------------
def test_a_repeat_updates_the_active_alarm(device):
    first, created = _raise(device, value=6)
    assert created and first.count == 1 and first.severity == Severity.MINOR
    again, created = _raise(device, Severity.CRITICAL, NOON + timedelta(minutes=1), value=8, n=1)
    assert not created and again.pk == first.pk
    assert again.count == 2 and again.last_seen_at == NOON + timedelta(minutes=1)
    assert again.severity == Severity.CRITICAL  # raised to the higher
    assert again.details == {"value": 8, "n": 1}  # merged
    third, _ = _raise(device, Severity.WARNING, NOON + timedelta(seconds=30))
    assert third.severity == Severity.CRITICAL  # never lowered
    assert third.last_seen_at == NOON + timedelta(minutes=1)  # an older repeat moves nothing
    assert third.started_at == NOON and Alarm.objects.count() == 1


def test_after_clearing_a_repeat_makes_a_new_alarm(device):
    first, _ = _raise(device)
    alarms.clear_alarm(first, at=NOON + timedelta(minutes=5), reason="恢复正常")
    second, created = _raise(device, at=NOON + timedelta(minutes=6))
    assert created and second.pk != first.pk and second.count == 1
    assert Alarm.objects.active().get() == second
    assert list(
        AuditLog.objects.filter(object_type="devices.alarm")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["alarm.raised", "alarm.cleared", "alarm.raised"]


def test_bad_input_is_refused_naming_the_field(device):
    with pytest.raises(InvalidInput) as caught:
        alarms.raise_alarm(device, "smoke", "apocalyptic", details={}, at=NOON)
    assert "severity" in caught.value.field_errors
    with pytest.raises(InvalidInput):
        alarms.raise_alarm(
            device, "smoke", Severity.MAJOR, details={}, at=NOON.replace(tzinfo=None)
        )


# --- state machine and permissions -----------------------------------------------------------
def test_status_moves_through_the_four_states(world, device):
    alarm, _ = _raise(device)
    assert alarms.status_of(alarm) == AlarmStatus.ACTIVE_UNACK
    alarm = alarms.acknowledge(alarm, world.users["property"])
    assert alarms.status_of(alarm) == AlarmStatus.ACTIVE_ACK
    assert alarm.acknowledged_by == world.users["property"]
    with pytest.raises(IllegalTransition, match="active_ack"):
        alarms.acknowledge(alarm, world.users["staff"])
    alarm = alarms.clear_alarm(alarm, by=world.users["staff"], at=NOON, reason="误报")
    assert alarms.status_of(alarm) == AlarmStatus.CLEARED_ACK
    assert alarm.cleared_by == world.users["staff"]
    with pytest.raises(IllegalTransition, match="cleared_ack"):
        alarms.clear_alarm(alarm, at=NOON, reason="again")
    actions = (
        AuditLog.objects.filter(object_type="devices.alarm", object_id=str(alarm.pk))
        .order_by("id")
        .values_list("action", "actor")
    )
    assert list(actions) == [
        ("alarm.raised", None),
        ("alarm.acknowledged", world.users["property"].pk),
        ("alarm.cleared", world.users["staff"].pk),
    ]


def test_a_cleared_alarm_can_still_be_acknowledged(world, device):
    alarm, _ = _raise(device)
    alarm = alarms.clear_alarm(alarm, at=NOON, reason="恢复")
    alarm = alarms.acknowledge(alarm, world.users["admin"])
    assert alarms.status_of(alarm) == AlarmStatus.CLEARED_ACK


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin", True),
        ("staff", True),
        ("property", True),
        ("grid", False),  # may see devices, not change them
        ("officer", False),
        ("resident", False),
        ("contractor", False),
    ],
)
def test_who_may_acknowledge_and_clear(world, device, who, allowed):
    alarm, _ = _raise(device)
    user = world.users[who]
    assert alarms.may_change(user, alarm) is allowed
    if allowed:
        alarms.acknowledge(alarm, user)
        alarms.clear_alarm(alarm, by=user, at=NOON, reason="处理完毕")
    else:
        with pytest.raises(PermissionDenied):
            alarms.acknowledge(alarm, user)
        with pytest.raises(PermissionDenied):
            alarms.clear_alarm(alarm, by=user, at=NOON, reason="处理完毕")
        alarm.refresh_from_db()
        assert alarm.acknowledged_at is None and alarm.cleared_at is None


def test_property_staff_of_another_company_may_not(world, smoke):
    in_b = make_device(world, smoke, code="D-b", compound="b", building="b1")
    alarm, _ = _raise(in_b)
    with pytest.raises(PermissionDenied):
        alarms.acknowledge(alarm, world.users["property"])  # 甲物业 serves 甲小区 only
    assert Alarm.objects.visible_to(world.users["property"]).count() == 0
    assert Alarm.objects.visible_to(world.users["resident"]).count() == 0


# --- the case and the notice ------------------------------------------------------------------
@pytest.fixture
def on_duty(world):
    now = timezone.now()
    return Shift.objects.create(
        organisation=world.orgs["prop_a"],
        user=world.users["property"],
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=8),
    )


def _smoke_rule(world, smoke, cats, **kw):
    return make_rule(
        smoke,
        name="烟感报警",
        trigger=Trigger.EVENT,
        event_type="smoke_alarm",
        key="",
        operator="",
        open_case=True,
        notify_on_call=True,
        category=cats["property"],
        **kw,
    )


def _smoke_event(device, event_id="e1", ts=NOON):
    DeviceEvent.objects.create(device=device, event_id=event_id, type="smoke_alarm", ts=ts)
    engine.process([Event(device_id=device.pk, event_id=event_id, type="smoke_alarm", ts=ts)])


def test_a_new_alarm_opens_one_routed_case_and_tells_whoever_is_on_duty(
    world, smoke, device, on_duty
):
    cats = make_case_setup(world)
    _smoke_rule(world, smoke, cats)
    _smoke_event(device)
    _smoke_event(device, "e2", NOON + timedelta(seconds=20))  # a repeat: no second case
    alarm = active(device).get()
    assert alarm.count == 2
    case = Case.objects.get()
    assert alarm.case == case
    assert case.source == Source.DEVICE_ALARM and case.category == cats["property"]
    assert case.organisation == world.orgs["prop_a"] and case.status == Status.ASSIGNED
    assert (case.compound, case.building) == (world.compounds["a"], world.buildings["a1"])
    assert case.title == "D-1 烟感：烟感报警" and "smoke_alarm" in case.description
    link = CaseEvent.objects.get(case=case, data__alarm=alarm.pk)
    assert link.kind == EventKind.ALARM_RAISED and link.data["device"] == device.code
    assert timeline.sentence(link) == f"设备 {device.code} 发出告警。"  # Chinese by default
    urgent = Notice.objects.filter(idempotency_key=f"alarm:{alarm.pk}", urgent=True)
    assert {n.recipient for n in urgent} == {world.users["property"]}
    assert urgent.filter(channel="inapp").count() == 1
    assert urgent.get(channel="inapp").needs_ack
    assert urgent.get(channel="inapp").related_id == str(alarm.pk)


def test_clearing_writes_on_the_cases_timeline(world, smoke, device, on_duty):
    cats = make_case_setup(world)
    _smoke_rule(world, smoke, cats)
    _smoke_event(device)
    alarm = active(device).get()
    engine.process([Event(device_id=device.pk, event_id="c1", type="smoke_alarm_cleared", ts=NOON)])
    alarm.refresh_from_db()
    assert alarm.cleared_at is not None
    notes = CaseEvent.objects.filter(case=alarm.case, data__alarm=alarm.pk)
    assert sorted(e.data["alarm_event"] for e in notes) == ["cleared", "raised"]


def test_a_rule_without_actions_only_raises(world, smoke, device, on_duty):
    make_case_setup(world)
    make_rule(smoke, trigger=Trigger.EVENT, event_type="smoke_alarm", key="", operator="")
    _smoke_event(device)
    assert active(device).get().case is None
    assert not Case.objects.exists() and not Notice.objects.exists()


def test_nobody_rostered_reaches_the_companys_leader(world, smoke, device):
    from community_brain.accounts import services as account_services
    from community_brain.accounts.roles import Role

    leader = account_services.create_user(by=None, username="boss", password="x-pass-2026")
    account_services.add_membership(
        by=None,
        user=leader,
        role=Role.PROPERTY_STAFF,
        organisation=world.orgs["prop_a"],
        is_leader=True,
    )
    cats = make_case_setup(world)
    _smoke_rule(world, smoke, cats)
    _smoke_event(device)
    assert {n.recipient for n in Notice.objects.filter(urgent=True)} == {leader}


# --- the race -------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_processes_racing_on_the_same_trigger_make_exactly_one_active_alarm(live_world):
    """Real concurrency: four ingest workers (threads, each with its own database
    connection and transaction) process the same smoke event at the same moment."""
    if connection.vendor != "postgresql":
        pytest.skip("threads share SQLite's in-memory test database; the PostgreSQL run covers it")
    w = live_world
    cats = make_case_setup(w)
    smoke = make_type()
    device = make_device(w, smoke)
    _smoke_rule(w, smoke, cats)
    now = timezone.now()
    Shift.objects.create(
        organisation=w.orgs["prop_a"],
        user=w.users["property"],
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    workers = 4
    start = threading.Barrier(workers)
    errors = []

    def ingest(n):
        try:
            with transaction.atomic():
                DeviceEvent.objects.create(
                    device=device, event_id=f"w{n}", type="smoke_alarm", ts=NOON
                )
                start.wait(timeout=30)
                engine.process(
                    [Event(device_id=device.pk, event_id=f"w{n}", type="smoke_alarm", ts=NOON)]
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ingest, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    alarm = Alarm.objects.get()  # one row at all, not only one active
    assert alarm.cleared_at is None and alarm.count == workers
    assert Case.objects.count() == 1 and alarm.case is not None
    assert Notice.objects.filter(channel="inapp", urgent=True).count() == 1
    assert AuditLog.objects.filter(action="alarm.raised").count() == 1
