"""The notifications API: one's own notices as {items, count}, read, acknowledge,
preferences."""

from community_brain.notify import services
from community_brain.notify.models import Escalation, Notice


def _case(crew, n, person=None, **kwargs):
    return services.notify(
        recipients=[person or crew.alice],
        template="case.assigned",
        payload={"code": f"AJ-{n}", "title": "路灯不亮", "url": f"/cases/{n}/"},
        idempotency_key=f"case:{n}:assigned",
        **kwargs,
    )


def test_list_is_ones_own_inbox_with_items_and_count(crew, api_client):
    for n in range(3):
        _case(crew, n)
    _case(crew, 9, person=crew.bob)
    c = api_client(crew.alice)
    body = c.get("/api/v1/notifications?limit=2").json()
    assert body["count"] == 3 and len(body["items"]) == 2
    item = body["items"][0]
    assert item["title"] == "Case AJ-2 assigned to you: 路灯不亮"
    assert item["url"] == "/cases/2/" and item["read_at"] is None and item["needs_ack"] is False
    assert set(item) >= {"id", "template", "body", "urgent", "created_at", "acknowledged_at"}
    assert api_client(None).get("/api/v1/notifications").status_code == 401


def test_read_one_and_read_all(crew, api_client):
    first = _case(crew, 1)[0]
    _case(crew, 2)
    c = api_client(crew.alice)
    answer = c.post(f"/api/v1/notifications/{first.pk}/read")
    assert answer.status_code == 200 and answer.json()["read_at"] is not None
    assert c.get("/api/v1/notifications?unread=true").json()["count"] == 1
    assert c.post("/api/v1/notifications/read-all").json() == {"updated": 1}
    assert c.get("/api/v1/notifications?unread=true").json()["count"] == 0
    assert api_client(crew.bob).post(f"/api/v1/notifications/{first.pk}/read").status_code == 404


def test_acknowledge(crew, api_client):
    notice = _case(crew, 1, urgent=True, organisation=crew.org)[0]
    assert (
        api_client(crew.bob).post(f"/api/v1/notifications/{notice.pk}/acknowledge").status_code
        == 404
    )
    answer = api_client(crew.alice).post(f"/api/v1/notifications/{notice.pk}/acknowledge")
    assert answer.status_code == 200
    assert answer.json()["acknowledged_by_id"] == crew.alice.pk
    assert Escalation.objects.get().acknowledged_by == crew.alice
    plain = _case(crew, 2)[0]
    refused = api_client(crew.alice).post(f"/api/v1/notifications/{plain.pk}/acknowledge")
    assert refused.status_code == 400 and "__all__" in refused.json()["errors"]


def test_urgent_filter_and_detail(crew, api_client):
    _case(crew, 1)
    urgent = _case(crew, 2, urgent=True)[0]
    c = api_client(crew.alice)
    items = c.get("/api/v1/notifications?urgent=true").json()["items"]
    assert [i["id"] for i in items] == [urgent.pk]
    assert c.get(f"/api/v1/notifications/{urgent.pk}").json()["needs_ack"] is True
    assert Notice.objects.get(pk=urgent.pk).read_at is None  # reading the API is not reading


def test_preferences(crew, api_client):
    c = api_client(crew.alice)
    assert c.get("/api/v1/notification-preferences").json() == {
        "email": "always",
        "sms": "urgent",
        "quiet_start": None,
        "quiet_end": None,
        "daily_digest": False,
    }
    bad = c.put(
        "/api/v1/notification-preferences",
        {"sms": "sometimes", "quiet_start": "22:00:00"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and {"sms", "quiet_end"} <= set(bad.json()["errors"])
    good = c.put(
        "/api/v1/notification-preferences",
        {"sms": "always", "quiet_start": "22:00:00", "quiet_end": "07:00:00", "daily_digest": True},
        content_type="application/json",
    )
    assert good.status_code == 200, good.content
    assert good.json()["quiet_end"] == "07:00:00" and good.json()["daily_digest"] is True
