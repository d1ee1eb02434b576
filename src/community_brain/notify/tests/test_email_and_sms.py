"""Email and SMS: what a person receives, links that act, and quiet hours honoured at the
moment of sending too."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from community_brain.notify import delivery, services
from community_brain.notify.channels import DeliveryError
from community_brain.notify.channels.sms import LoggingSmsBackend, SmsBackend
from community_brain.notify.choices import Channel, State
from community_brain.notify.models import Notice, Preference
from community_brain.notify.tests.conftest import at


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.BRAIN_BASE_URL = "https://brain.example.org"


def _send(crew, urgent=False, person=None):
    notices = services.notify(
        recipients=[person or crew.alice],
        template="case.overdue",
        payload={"code": "AJ-7", "title": "垃圾清运不及时", "deadline": "2026-03-09"},
        idempotency_key="case:7:overdue",
        urgent=urgent,
    )
    for notice in notices:
        delivery.deliver(notice.pk)
    return {n.channel: n for n in notices}


def test_email(crew):
    notices = _send(crew)
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "[社区大脑] Case AJ-7 is overdue: 垃圾清运不及时"
    assert "The deadline was 2026-03-09." in message.body
    assert f"https://brain.example.org/notices/{notices[Channel.EMAIL].pk}/" in message.body
    assert "Acknowledge" not in message.body


def test_urgent_email_and_sms_carry_a_signed_acknowledgement_link(crew, sms_outbox):
    notices = _send(crew, urgent=True)
    ((phone, text),) = sms_outbox
    assert phone == crew.alice.phone
    assert text.startswith("【社区大脑】Case AJ-7 is overdue: 垃圾清运不及时 https://")
    token = text.rsplit("/notices/ack/", 1)[1].rstrip("/")
    assert services.notice_for_token(token) == notices[Channel.SMS]
    assert "Acknowledge: https://brain.example.org/notices/ack/" in mail.outbox[0].body


def test_a_retry_that_falls_in_quiet_hours_waits_for_their_end(crew, monkeypatch):
    Preference.objects.create(user=crew.alice, quiet_start="22:00", quiet_end="07:00")
    calls = []

    def flaky(self, phone, text):
        calls.append(text)
        if len(calls) == 1:
            raise DeliveryError("gateway busy")

    monkeypatch.setattr(LoggingSmsBackend, "send", flaky)
    Preference.objects.filter(user=crew.alice).update(sms="always")
    with time_machine.travel(at(2026, 3, 10, 21, 59, 50), tick=False) as clock:
        sms = _send(crew)[Channel.SMS]
        sms.refresh_from_db()
        assert sms.state == State.FAILED  # retry due at 22:00:20, inside quiet hours
        clock.shift(timedelta(seconds=30))
        assert delivery.sweep() == 0
        sms.refresh_from_db()
        assert sms.state == State.PENDING and sms.next_attempt_at == at(2026, 3, 11, 7, 0)
        assert sms.attempts == 1 and len(calls) == 1
        clock.move_to(at(2026, 3, 11, 7, 0))
        assert delivery.sweep() == 1
    assert len(calls) == 2


class RecordingGateway(SmsBackend):
    sent: list[str] = []

    def send(self, phone, text):
        RecordingGateway.sent.append(phone)


def test_a_custom_sms_gateway(crew, settings):
    settings.NOTIFY_SMS_BACKEND = f"{__name__}.RecordingGateway"
    RecordingGateway.sent.clear()
    _send(crew, urgent=True)
    assert RecordingGateway.sent == [crew.alice.phone]


def test_no_address_means_given_up_at_once(crew):
    notice = Notice.objects.create(
        recipient=crew.bob, channel=Channel.SMS, template="notify.test", idempotency_key="t"
    )
    crew.bob.phone = ""
    crew.bob.save()
    delivery.deliver(notice.pk)
    notice.refresh_from_db()
    assert notice.state == State.DEAD and "no phone" in notice.last_error


def test_a_text_to_a_phone_without_an_account_carries_the_code_then_forgets_it(
    db, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = services.send_sms(
            phone="13800001234",
            template="notify.digest",
            payload={"count": 482913},
            idempotency_key="otp:1",
        )
    ((phone, text),) = sms_outbox
    assert phone == "13800001234"
    assert "482913" in text and "http" not in text
    notice.refresh_from_db()
    assert notice.state == State.DELIVERED
    assert notice.payload == {}  # the secret is not kept in the outbox
    again = services.send_sms(
        phone="13800001234",
        template="notify.digest",
        payload={"count": 1},
        idempotency_key="otp:1",
    )
    assert again.pk == notice.pk and len(sms_outbox) == 1
    assert Notice.objects.filter(idempotency_key="otp:1").count() == 1
