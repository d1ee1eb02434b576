"""The outbox: one notice per recipient per channel, chosen by preferences; replays are
harmless; notices are written in the caller's transaction and sent after it commits."""

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from community_brain.notify import services
from community_brain.notify.choices import Channel, State, When
from community_brain.notify.models import Notice, Preference, WebhookEndpoint
from community_brain.notify.tests.conftest import at

PAYLOAD = {"code": "AJ-2026-0001", "title": "楼道堆物", "deadline": "2026-10-09"}


def _notify(recipients, key="case:1:assigned", **kwargs):
    kwargs.setdefault("template", "case.assigned")
    kwargs.setdefault("payload", PAYLOAD)
    return services.notify(recipients=recipients, idempotency_key=key, **kwargs)


def test_one_notice_per_recipient_per_channel_from_preferences(crew):
    Preference.objects.create(user=crew.bob, email=When.NEVER, sms=When.ALWAYS)
    notices = _notify([crew.alice, crew.bob])
    by_person = {(n.recipient.username, n.channel) for n in notices}
    # alice: defaults (in-app, email always, SMS only when urgent); bob: his choices
    assert by_person == {
        ("alice", Channel.INAPP),
        ("alice", Channel.EMAIL),
        ("bob", Channel.INAPP),
        ("bob", Channel.SMS),
    }
    inapp = next(n for n in notices if n.channel == Channel.INAPP)
    assert inapp.state == State.DELIVERED and inapp.delivered_at is not None  # the inbox
    assert all(n.state == State.PENDING for n in notices if n.channel != Channel.INAPP)


def test_urgent_notices_take_the_channels_kept_for_urgent_ones(crew):
    notices = _notify([crew.alice], urgent=True, template="alarm.raised", payload={})
    assert {n.channel for n in notices} == {Channel.INAPP, Channel.EMAIL, Channel.SMS}
    assert all(n.urgent and n.needs_ack for n in notices)


def test_a_replay_creates_nothing_new(crew, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify([crew.alice, crew.bob])
    with django_capture_on_commit_callbacks(execute=True):
        again = _notify([crew.alice, crew.bob])
    assert sorted(n.pk for n in again) == sorted(n.pk for n in first)
    assert Notice.objects.count() == 4
    assert len(mail.outbox) == 2  # delivered once each, the replay sent nothing


def test_a_replay_with_another_recipient_only_adds_theirs(crew):
    _notify([crew.alice])
    notices = _notify([crew.alice, crew.bob])
    assert Notice.objects.count() == 4 and {n.recipient for n in notices} == {crew.alice, crew.bob}


def test_written_in_the_callers_transaction(crew, django_capture_on_commit_callbacks):
    def assign_and_fail():
        with transaction.atomic():
            _notify([crew.alice])
            raise RuntimeError("the case assignment failed")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        assign_and_fail()
    assert not Notice.objects.exists()
    assert callbacks == []  # nothing is sent for a change that rolled back


def test_delivery_waits_for_the_commit(crew, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _notify([crew.alice])
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith("Case AJ-2026-0001 assigned to you: 楼道堆物")
    assert Notice.objects.get(channel=Channel.EMAIL).state == State.DELIVERED


def test_related_object_is_recorded_as_type_and_id(crew):
    compound = crew.world.compounds["a"]
    notice = _notify([crew.alice], related=compound)[0]
    assert (notice.related_type, notice.related_id) == ("places.compound", str(compound.pk))


def test_bad_calls_fail_loudly(crew):
    with pytest.raises(ValueError, match="unknown notice template"):
        _notify([crew.alice], template="no.such.template")
    with pytest.raises(ValueError, match="unknown channels"):
        _notify([crew.alice], channels=["pigeon"])
    with pytest.raises(ValueError, match="idempotency_key"):
        _notify([crew.alice], key="")
    with pytest.raises(ValueError, match="JSON"):
        _notify([crew.alice], payload={"x": object()})


def test_channels_narrow_the_choice_never_widen_it(crew):
    Preference.objects.create(user=crew.bob, sms=When.NEVER)
    notices = _notify([crew.alice, crew.bob], channels=["inapp", "sms"], urgent=True)
    assert {(n.recipient.username, n.channel) for n in notices} == {
        ("alice", Channel.INAPP),
        ("alice", Channel.SMS),
        ("bob", Channel.INAPP),
    }


def test_people_without_an_address_and_inactive_people_are_skipped(crew):
    crew.bob.email = ""
    crew.bob.save()
    crew.carol.is_active = False
    crew.carol.save()
    notices = _notify([crew.bob, crew.carol, crew.bob])
    assert [(n.recipient.username, n.channel) for n in notices] == [("bob", Channel.INAPP)]


def test_quiet_hours_hold_back_email_and_sms_but_not_the_inbox(crew):
    Preference.objects.create(
        user=crew.alice, sms=When.ALWAYS, quiet_start="22:00", quiet_end="07:00"
    )
    with time_machine.travel(at(2026, 3, 10, 23, 30), tick=False):
        notices = {n.channel: n for n in _notify([crew.alice])}
    assert notices[Channel.INAPP].state == State.DELIVERED
    assert notices[Channel.EMAIL].next_attempt_at == at(2026, 3, 11, 7, 0)
    assert notices[Channel.SMS].next_attempt_at == at(2026, 3, 11, 7, 0)


def test_urgent_notices_ignore_quiet_hours(crew, sms_outbox, django_capture_on_commit_callbacks):
    Preference.objects.create(user=crew.alice, quiet_start="22:00", quiet_end="07:00")
    with (
        time_machine.travel(at(2026, 3, 11, 3, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _notify([crew.alice], template="alarm.raised", payload={"place": "3号楼"}, urgent=True)
    assert [phone for phone, _text in sms_outbox] == [crew.alice.phone]
    assert Notice.objects.get(channel=Channel.SMS).state == State.DELIVERED


def test_group_robots_of_the_organisation(crew):
    everything = WebhookEndpoint.objects.create(
        organisation=crew.org, name="物业群", kind="wecom", url="http://127.0.0.1:9/x"
    )
    WebhookEndpoint.objects.create(
        organisation=crew.org,
        name="值班群",
        kind="dingtalk",
        url="http://127.0.0.1:9/y",
        urgent_only=True,
    )
    routine = _notify([crew.alice, crew.bob], organisation=crew.org)
    robots = [n for n in routine if n.channel == Channel.WEBHOOK]
    assert [n.endpoint for n in robots] == [everything]  # one post per group, not per person
    assert robots[0].recipient is None and robots[0].mentions == []
    urgent = _notify(
        [crew.alice],
        key="alarm:7",
        template="alarm.raised",
        payload={},
        urgent=True,
        organisation=crew.org,
    )
    robots = [n for n in urgent if n.channel == Channel.WEBHOOK]
    assert len(robots) == 2 and robots[0].mentions == [crew.alice.phone]
    assert not any(n.needs_ack for n in robots)  # people acknowledge, group chats do not
    none = _notify([crew.alice], key="case:2", organisation=crew.org, channels=["inapp"])
    assert [n.channel for n in none] == [Channel.INAPP]
