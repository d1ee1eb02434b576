"""``notify_many``: many notices in one write give what ``notify`` gives one by one — the
same rows, the same escalations for notices to be acknowledged, harmless replays."""

from django.core import mail

from community_brain.notify import services
from community_brain.notify.choices import Channel, State, When
from community_brain.notify.models import Escalation, Notice, Preference

PAYLOAD = {"code": "AJ-2026-0001", "title": "楼道堆物"}


def _call(recipients, key, **extra):
    return {
        "recipients": recipients,
        "template": "case.assigned",
        "payload": PAYLOAD,
        "idempotency_key": key,
        **extra,
    }


def _rows(key):
    return sorted(
        (n.recipient.username, n.channel, n.urgent, n.needs_ack, n.state, n.escalation_id is None)
        for n in Notice.objects.filter(idempotency_key=key).select_related("recipient")
    )


def test_the_batch_writes_what_notify_writes_one_by_one(crew):
    Preference.objects.create(user=crew.bob, email=When.NEVER, sms=When.ALWAYS)
    people = [crew.alice, crew.bob]
    services.notify(**_call(people, "one:plain"))
    services.notify(**_call(people, "one:urgent", urgent=True))
    services.notify_many(
        [_call(people, "many:plain"), _call(people, "many:urgent", urgent=True, related=crew.org)]
    )
    assert _rows("many:plain") == _rows("one:plain")
    assert _rows("many:urgent") == _rows("one:urgent")
    escalation = Escalation.objects.get(key="many:urgent")
    assert escalation.organisation == crew.org  # the first person's organisation
    assert escalation.notified == [crew.alice.pk, crew.bob.pk]
    assert escalation.due_at is not None and escalation.step == 0
    assert (escalation.related_type, escalation.related_id) == (
        "accounts.organisation",
        str(crew.org.pk),
    )
    assert set(
        Notice.objects.filter(idempotency_key="many:urgent").values_list("escalation", flat=True)
    ) == {escalation.pk}


def test_a_replayed_batch_writes_nothing_and_sends_nothing(
    crew, django_capture_on_commit_callbacks
):
    calls = [_call([crew.alice], "case:1:assigned"), _call([crew.bob], "case:2:x", urgent=True)]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_many(calls)
    counts = (Notice.objects.count(), Escalation.objects.count(), len(mail.outbox))
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_many(calls)
    assert (Notice.objects.count(), Escalation.objects.count(), len(mail.outbox)) == counts
    assert counts == (5, 1, 2)  # alice: in-app + email; bob (urgent): in-app + email + SMS


def test_urgent_notices_of_a_batch_go_to_the_worker_at_once(
    crew, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_many([_call([crew.alice], "case:3:assigned", urgent=True)])
    assert [phone for phone, _text in sms_outbox] == [crew.alice.phone]
    assert Notice.objects.get(channel=Channel.SMS).state == State.DELIVERED


def test_a_preference_saved_here_counts_at_once(crew):
    services.notify_many([_call([crew.alice], "before")])
    services.save_preferences(by=crew.alice, data={"email": When.NEVER, "sms": When.NEVER})
    services.notify_many([_call([crew.alice], "after")])
    assert {c for _u, c, *_r in _rows("before")} == {Channel.INAPP, Channel.EMAIL}
    assert {c for _u, c, *_r in _rows("after")} == {Channel.INAPP}
