"""The daily digest: one email a morning, to those who asked, counting unread notices."""

import time_machine
from django.core import mail

from community_brain.notify import delivery, periodic, services
from community_brain.notify.models import Preference
from community_brain.notify.tests.conftest import at


def _unread(crew, n):
    for i in range(n):
        services.notify(
            recipients=[crew.alice, crew.bob],
            template="case.assigned",
            payload={"code": f"AJ-{i}"},
            idempotency_key=f"case:{i}",
            channels=["inapp"],
        )


def test_one_digest_a_morning_to_those_who_asked(crew):
    Preference.objects.create(user=crew.alice, daily_digest=True, email="never")
    _unread(crew, 3)
    with time_machine.travel(at(2026, 3, 10, 8, 0, 5), tick=False):
        assert periodic.run_one(periodic.job("notify.daily_digest"), worker="w1")
        assert not periodic.run_one(periodic.job("notify.daily_digest"), worker="w2")
        assert services.send_daily_digests() == 1  # run again by hand: still one email
        delivery.sweep()
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert "3 unread notices" in message.subject
