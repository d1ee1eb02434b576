"""The HTTP ingest: per-device tokens, 202 when stored (through ingest.accept_one), 400 naming
the reason, 401 for a wrong token (counted), a replay stores nothing new, size capped, no CSRF."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from community_brain.devices import services
from community_brain.devices.models import DeviceEvent, IngestReject, Telemetry
from community_brain.devices.tests.registry import make_devices


@pytest.fixture
def device(world):
    return make_devices(world)["CA-GAS-0101"]


@pytest.fixture
def post(world, device):
    token = services.issue_token(device, by=world.users["staff"])
    client = Client(enforce_csrf_checks=True)  # devices have no session: the view is exempt

    def send(kind, body, *, code=device.code, raw=token):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return client.post(
            f"/ingest/v1/{code}/{kind}",
            data=data,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    return send


def now_ms() -> int:
    return int(timezone.now().timestamp() * 1000)


def test_a_good_post_is_stored_and_a_replay_stores_nothing_new(post, device):
    NOW_MS = now_ms()
    reading = {"ts": NOW_MS, "values": {"gas": 3.5, "battery": 88}}
    response = post("telemetry", reading)
    assert response.status_code == 202, response.content
    assert response.json() == {"status": "accepted"}
    assert Telemetry.objects.filter(device=device).count() == 2
    assert post("telemetry", reading).status_code == 202
    assert Telemetry.objects.filter(device=device).count() == 2

    event = {"id": "e-1", "type": "gas_alarm", "ts": NOW_MS, "data": {"lel": 30}}
    assert post("event", event).status_code == 202
    assert post("event", event).status_code == 202
    assert DeviceEvent.objects.filter(device=device, event_id="e-1").count() == 1
    assert post("status", b"online").status_code == 202


def test_a_wrong_token_is_refused_and_counted(post, device):
    response = post("telemetry", {"gas": 1}, raw="dv_not-the-token")
    assert response.status_code == 401
    assert response.json()["reason"] == "bad_token"
    assert post("telemetry", {"gas": 1}, raw="").status_code == 401
    assert post("telemetry", {"gas": 1}, code="NO-SUCH-1").status_code == 401
    counts = dict(
        IngestReject.objects.filter(reason="bad_token").values_list("device_code", "count")
    )
    assert counts == {device.code: 2, "NO-SUCH-1": 1}
    assert not Telemetry.objects.exists()


def test_a_bad_payload_gets_400_naming_the_reason(post, device):
    NOW_MS = now_ms()
    cases = [
        ("telemetry", b"{not json", "not_json"),
        ("telemetry", {"values": {"smoke": 1}}, "unknown_key"),
        ("telemetry", {"values": {"gas": "lots"}}, "bad_value"),
        ("event", {"id": "x", "type": "dance", "ts": NOW_MS}, "unknown_event"),
    ]
    for kind, body, reason in cases:
        response = post(kind, body)
        assert response.status_code == 400, (reason, response.content)
        assert response.json()["reason"] == reason
        assert response.json()["detail"]
        assert IngestReject.objects.get(device_code=device.code, reason=reason).count == 1
    assert post("bogus", {"gas": 1}).status_code == 404


def test_size_is_capped_and_only_post_is_allowed(post, device, settings, client):
    settings.INGEST_MAX_PAYLOAD = 100
    response = post("telemetry", {"values": {"gas": 1}, "pad": "x" * 200})
    assert response.status_code == 413
    assert IngestReject.objects.get(device_code=device.code, reason="too_large").count == 1
    assert client.get(f"/ingest/v1/{device.code}/telemetry").status_code == 405
