"""Escalation under a frozen clock: an urgent notice nobody acknowledges goes every ten minutes
to the next person in the chain (the rota's order, then the leader) — at night, through
quiet hours, and on a public holiday, where the rota alone says who is on duty."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from community_brain.core.models import AuditLog
from community_brain.notify import delivery, escalation, oncall, services
from community_brain.notify.choices import Channel
from community_brain.notify.models import Escalation, Notice, Preference
from community_brain.notify.tests.conftest import at

ALARM = {"place": "甲小区3号楼", "title": "烟感报警", "detail": "2单元5层"}


@pytest.fixture
def night(crew, settings):
    """Tuesday 10 March 2026: alice on the night shift (first called), bob as her backup,
    carol on the next day shift; alice and bob keep quiet hours 22:00–07:00."""
    settings.NOTIFY_ESCALATE_AFTER_MINUTES = 10
    crew.shift(crew.alice, "2026-03-10T18:00", "2026-03-11T08:00", order=1)
    crew.shift(crew.bob, "2026-03-10T18:00", "2026-03-11T08:00", order=2)
    crew.shift(crew.carol, "2026-03-11T08:00", "2026-03-11T18:00", order=1)
    for person in (crew.alice, crew.bob):
        Preference.objects.create(user=person, quiet_start="22:00", quiet_end="07:00")
    return crew


def _alert(crew, key="alarm:smoke:1"):
    notices = services.alert(
        organisation=crew.org, template="alarm.raised", payload=ALARM, idempotency_key=key
    )
    delivery.sweep()
    return notices


def _told(channel=Channel.INAPP):
    return [
        n.recipient.username
        for n in Notice.objects.filter(channel=channel).select_related("recipient").order_by("id")
    ]


def _step():
    taken = escalation.escalate_due()
    delivery.sweep()
    return taken


def test_across_a_night_quiet_hours_do_not_stop_urgent_escalation(night, sms_outbox):
    crew = night
    with time_machine.travel(at(2026, 3, 11, 2, 0), tick=False) as clock:
        notices = _alert(crew)
        assert {n.recipient for n in notices if n.recipient} == {crew.alice}
        assert [p for p, _ in sms_outbox] == [crew.alice.phone]  # woken despite quiet hours
        clock.shift(timedelta(minutes=9, seconds=59))
        assert _step() == 0
        clock.shift(timedelta(seconds=1))  # 02:10
        assert _step() == 1
        assert _told() == ["alice", "bob"]
        assert [p for p, _ in sms_outbox] == [crew.alice.phone, crew.bob.phone]
        assert "Escalated: Alarm at 甲小区3号楼" in sms_outbox[-1][1]
        clock.shift(timedelta(minutes=10))  # 02:20: nobody else rostered, so the leader
        assert _step() == 1
        assert _told() == ["alice", "bob", "lee"]
        assert sms_outbox[-1][0] == crew.lee.phone
        clock.shift(timedelta(minutes=10))  # 02:30: the chain is exhausted
        assert _step() == 1
        clock.shift(timedelta(hours=3))
        assert _step() == 0
    state = Escalation.objects.get()
    assert state.step == 2 and state.due_at is None
    assert state.exhausted_at == at(2026, 3, 11, 2, 30)
    assert state.notified == [crew.alice.pk, crew.bob.pk, crew.lee.pk]
    assert list(
        AuditLog.objects.filter(action__startswith="notice.escalat")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["notice.escalate", "notice.escalate", "notice.escalation_exhausted"]


def test_acknowledging_stops_escalation_and_tells_the_others(night, sms_outbox):
    crew = night
    with time_machine.travel(at(2026, 3, 11, 3, 0), tick=False) as clock:
        _alert(crew)
        clock.shift(timedelta(minutes=10))
        _step()  # bob is told at 03:10
        bobs = Notice.objects.get(recipient=crew.bob, channel=Channel.INAPP)
        clock.shift(timedelta(minutes=4))
        services.acknowledge(bobs, by=crew.bob)
        services.acknowledge(bobs, by=crew.bob)  # twice is harmless
        clock.shift(timedelta(hours=2))
        assert _step() == 0
    assert "lee" not in _told()
    state = Escalation.objects.get()
    assert state.acknowledged_by == crew.bob and state.acknowledged_at == at(2026, 3, 11, 3, 14)
    assert not Notice.objects.filter(escalation=state, acknowledged_at__isnull=True).exists()
    told_alice = Notice.objects.get(template="notify.acknowledged")
    assert told_alice.recipient == crew.alice and told_alice.payload["by"] == str(crew.bob)
    assert AuditLog.objects.filter(action="notice.acknowledge").count() == 1


def test_the_first_recipient_may_acknowledge_before_any_escalation(night):
    crew = night
    with time_machine.travel(at(2026, 3, 11, 1, 0), tick=False) as clock:
        (inapp,) = [n for n in _alert(crew) if n.channel == Channel.INAPP]
        services.acknowledge(inapp, by=crew.alice)
        clock.shift(timedelta(hours=1))
        assert _step() == 0
    assert _told() == ["alice"]


def test_the_rota_at_the_moment_of_escalation_decides_who_is_next(night):
    crew = night
    with time_machine.travel(at(2026, 3, 11, 7, 55), tick=False) as clock:
        _alert(crew)  # alice, at the end of her night
        clock.shift(timedelta(minutes=10))  # 08:05: the day shift has begun
        _step()
    assert _told() == ["alice", "carol"]


def test_on_a_public_holiday_the_rota_decides_not_the_calendar(crew, settings):
    """1 October 2026 is National Day, a Thursday. The office entered alice's weekday shifts
    for working days only, and carol for the holiday."""
    settings.NOTIFY_ESCALATE_AFTER_MINUTES = 10
    crew.shift(crew.alice, "2026-09-30T08:00", "2026-09-30T18:00")
    crew.shift(crew.carol, "2026-10-01T08:00", "2026-10-02T08:00")
    crew.shift(crew.alice, "2026-10-09T08:00", "2026-10-09T18:00")
    assert oncall.on_duty(organisation=crew.org, at=at(2026, 10, 1, 10, 0)) == [crew.carol]
    assert oncall.on_duty(organisation=crew.org, at=at(2026, 9, 30, 10, 0)) == [crew.alice]
    with time_machine.travel(at(2026, 10, 1, 10, 0), tick=False) as clock:
        _alert(crew, key="alarm:holiday")
        clock.shift(timedelta(minutes=10))  # clock minutes, not working minutes
        assert _step() == 1
    assert _told() == ["carol", "lee"]


def test_nobody_rostered_means_the_leaders_are_told_first(crew):
    with time_machine.travel(at(2026, 10, 3, 4, 0), tick=False) as clock:
        _alert(crew)
        clock.shift(timedelta(minutes=30))
        _step()
    assert _told() == ["lee"]
    assert Escalation.objects.get().exhausted_at is not None


def test_two_workers_never_take_the_same_step(night):
    crew = night
    with time_machine.travel(at(2026, 3, 11, 2, 0), tick=False) as clock:
        _alert(crew)
        clock.shift(timedelta(minutes=10))
        state = Escalation.objects.get()
        assert escalation.step(state.pk, state.due_at) is True
        assert escalation.step(state.pk, state.due_at) is False  # the other worker
    assert _told() == ["alice", "bob"]


def test_a_replayed_alarm_does_not_restart_the_chain(night):
    crew = night
    with time_machine.travel(at(2026, 3, 11, 2, 0), tick=False) as clock:
        _alert(crew)
        clock.shift(timedelta(minutes=10))
        _step()
        _alert(crew)  # the device sent the same event again
    assert Escalation.objects.count() == 1 and _told() == ["alice", "bob"]
    assert len([m for m in mail.outbox if "alice@" in m.to[0]]) == 1
