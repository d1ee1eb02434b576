"""The in-app inbox: unread counts on every page, reading, acknowledging from the notice
itself — and from a signed link in an SMS or email, without signing in."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import PermissionDenied

from community_brain.core.errors import InvalidInput
from community_brain.notify import delivery, services
from community_brain.notify.choices import Channel
from community_brain.notify.models import Escalation, Notice
from community_brain.notify.tests.conftest import at


def _case(crew, n=1, **kwargs):
    return services.notify(
        recipients=[crew.alice],
        template="case.assigned",
        payload={"code": f"AJ-{n}", "title": "井盖缺失", "url": "/cases/1/"},
        idempotency_key=f"case:{n}:assigned",
        **kwargs,
    )


def _inapp(notices):
    return next(n for n in notices if n.channel == Channel.INAPP)


def test_the_unread_count_is_on_every_page(crew, login):
    _case(crew, 1)
    _case(crew, 2)
    client = login(crew.alice)
    page = client.get("/").content.decode()
    assert 'data-unread="2"' in page and 'href="/notices/"' in page
    page = client.get("/notices/rota/").content.decode()
    assert 'data-unread="2"' in page
    assert 'data-unread="' not in login(crew.bob).get("/").content.decode()


def test_anonymous_pages_have_no_inbox(client, db):
    assert "/notices/" not in client.get("/accounts/login/").content.decode()


def test_inbox_lists_ones_own_notices_and_filters_unread(crew, login):
    _case(crew, 1)
    read = _inapp(_case(crew, 2))
    services.mark_read(read, crew.alice)
    services.notify(
        recipients=[crew.bob],
        template="case.assigned",
        payload={"code": "AJ-9", "title": "别人的"},
        idempotency_key="case:9",
    )
    client = login(crew.alice)
    page = client.get("/notices/").content.decode()
    assert "Case AJ-1" in page and "Case AJ-2" in page and "AJ-9" not in page
    page = client.get("/notices/?unread=1").content.decode()
    assert "Case AJ-1" in page and "Case AJ-2" not in page


def test_opening_a_notice_marks_it_read(crew, login):
    notice = _inapp(_case(crew))
    client = login(crew.alice)
    page = client.get(f"/notices/{notice.pk}/")
    assert page.status_code == 200 and "井盖缺失" in page.content.decode()
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert login(crew.bob).get(f"/notices/{notice.pk}/").status_code == 404


def test_a_link_to_the_email_copy_opens_the_inbox_copy(crew, login):
    email = next(n for n in _case(crew) if n.channel == Channel.EMAIL)
    response = login(crew.alice).get(f"/notices/{email.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/notices/{_inapp(Notice.objects.all()).pk}/"


def test_mark_all_read(crew, login):
    _case(crew, 1)
    _case(crew, 2)
    response = login(crew.alice).post("/notices/read-all/")
    assert response.status_code == 302
    assert not Notice.objects.inbox(crew.alice).unread().exists()


def test_acknowledge_from_the_notice_page(crew, login):
    notice = _inapp(_case(crew, urgent=True, organisation=crew.org))
    client = login(crew.alice)
    assert "Acknowledge" in client.get(f"/notices/{notice.pk}/").content.decode()
    client.post(f"/notices/{notice.pk}/acknowledge/")
    notice.refresh_from_db()
    assert notice.acknowledged_by == crew.alice
    assert Escalation.objects.get().due_at is None
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "acknowledged" in page


def test_acknowledge_from_a_link_in_an_sms_without_signing_in(crew, client, sms_outbox):
    sms = next(n for n in _case(crew, urgent=True) if n.channel == Channel.SMS)
    delivery.deliver(sms.pk)
    (phone, text) = sms_outbox[0]
    link = text.split()[-1]
    assert phone == crew.alice.phone and "/notices/ack/" in link
    path = link.split("8000", 1)[1]
    page = client.get(path)  # a link preview must not acknowledge
    assert page.status_code == 200 and "I am on it" in page.content.decode()
    sms.refresh_from_db()
    assert sms.acknowledged_at is None
    done = client.post(path)
    assert done.status_code == 200 and "Escalation has stopped" in done.content.decode()
    sms.refresh_from_db()
    assert sms.acknowledged_by == crew.alice


def test_forged_and_expired_links(crew, client):
    notice = _inapp(_case(crew, urgent=True))
    assert client.get("/notices/ack/not-a-token/").status_code == 404
    forged = signing.dumps(notice.pk, salt="another purpose")
    assert client.get(f"/notices/ack/{forged}/").status_code == 404
    with time_machine.travel(at(2026, 3, 1, 9, 0), tick=False) as clock:
        token = services.ack_token(notice)
        clock.shift(timedelta(days=8))
        assert client.get(f"/notices/ack/{token}/").status_code == 410


def test_only_those_in_the_chain_may_acknowledge(crew):
    notice = _inapp(_case(crew, urgent=True))
    with pytest.raises(PermissionDenied):
        services.acknowledge(notice, by=crew.bob)
    plain = _inapp(_case(crew, 2))
    with pytest.raises(InvalidInput):
        services.acknowledge(plain, by=crew.alice)


def test_preferences_page(crew, login):
    client = login(crew.alice)
    assert client.get("/notices/preferences/").status_code == 200
    bad = client.post(
        "/notices/preferences/", {"email": "always", "sms": "urgent", "quiet_start": "22:00"}
    )
    assert "errorlist" in bad.content.decode()
    client.post(
        "/notices/preferences/",
        {"email": "never", "sms": "always", "quiet_start": "22:00", "quiet_end": "07:00"},
    )
    channels = {n.channel for n in _case(crew)}
    assert channels == {Channel.INAPP, Channel.SMS}
