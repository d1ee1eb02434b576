"""The back office: every notify model is listed; dead notices can be requeued and group
robots tested from there."""

import pytest

from community_brain.core.models import AuditLog
from community_brain.notify import delivery, services
from community_brain.notify.choices import State
from community_brain.notify.models import Notice, WebhookEndpoint


@pytest.mark.parametrize(
    "model", ["notice", "escalation", "shift", "webhookendpoint", "preference", "periodicrun"]
)
def test_lists_and_forms_open(crew, login, model):
    crew.shift(crew.alice, "2026-03-10T08:00", "2026-03-10T18:00")
    services.alert(
        organisation=crew.org, template="alarm.raised", payload={}, idempotency_key="a:1"
    )
    client = login(crew.admin)
    assert client.get(f"/admin/notify/{model}/").status_code == 200


def test_send_a_test_message_and_requeue(crew, login, robot):
    endpoint = WebhookEndpoint.objects.create(
        organisation=crew.org, name="群", kind="wecom", url=robot.url("wecom", "k")
    )
    client = login(crew.admin)
    response = client.post(
        "/admin/notify/webhookendpoint/",
        {"action": "send_test", "_selected_action": [endpoint.pk]},
    )
    assert response.status_code == 302
    notice = Notice.objects.get(template="notify.test")
    assert AuditLog.objects.filter(action="webhook.test").exists()
    Notice.objects.filter(pk=notice.pk).update(state=State.DEAD)
    client.post("/admin/notify/notice/", {"action": "requeue", "_selected_action": [notice.pk]})
    assert delivery.sweep() == 1
    assert robot.received[0].body["markdown"]["content"].startswith("**【")
