"""Edge mode: a gate syncs its compound's sealed template set into a local encrypted cache,
matches there and posts events only; after a withdrawal the next sync removes the template
from the cache."""

from __future__ import annotations

import json

from django.test import Client

from community_brain.access.choices import Decision
from community_brain.access.edge import EdgeGate, TemplateCache
from community_brain.access.models import AccessEvent
from community_brain.access.services import consent as consents
from community_brain.access.services import templates
from community_brain.core.models import AuditLog

from .conftest import gate_frame, give


class ClientTransport:
    """The server in-process, through Django's test client."""

    def __init__(self, token: str):
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def request(self, method, path, body=None):
        if method == "GET":
            response = self.client.get(path)
        else:
            response = self.client.post(path, json.dumps(body), content_type="application/json")
        assert response.status_code == 200, response.content
        return response.json()


def test_edge_gate_matches_locally_and_forgets_a_withdrawn_resident(
    world, site, photos, engine, tmp_path
):
    staff, resident = world.users["staff"], world.residents["a1-head"]
    give(resident, staff)
    templates.enrol_resident(resident, photos, by=staff)
    token = site["camera_token"]
    cache_file = tmp_path / "gate.cache"
    gate = EdgeGate(ClientTransport(token), TemplateCache(cache_file, token), engine=engine)

    gate.threshold = 0.3
    assert gate.sync() is True
    assert gate.threshold == 0.6  # the compound's setting
    assert gate.sync() is False  # unchanged: nothing read, nothing sent
    assert resident.pk in gate.index
    raw = cache_file.read_bytes()
    assert b"CBFI" not in raw  # sealed, not the index bytes
    assert TemplateCache(cache_file, "dv_wrong").load()[1].owners() == []  # sealed

    event = gate.match(gate_frame("obama3.jpg"))
    assert event["decision"] == "granted" and event["resident"] == resident.pk
    stranger = gate.match(gate_frame("biden.jpg"))
    assert stranger["decision"] == "unknown"
    assert gate.flush() == 2
    stored = AccessEvent.objects.filter(source="edge")
    assert stored.count() == 2
    assert stored.get(decision=Decision.GRANTED).resident == resident
    assert stored.get(decision=Decision.UNKNOWN).stranger is not None
    assert AuditLog.objects.filter(action="access.templates_synced").count() == 1

    consents.withdraw_consent(resident, by=staff)
    assert gate.sync() is True
    assert resident.pk not in gate.index
    reopened = EdgeGate(ClientTransport(token), TemplateCache(cache_file, token), engine=engine)
    assert resident.pk not in reopened.index  # gone from the file too
    assert reopened.match(gate_frame("obama3.jpg"))["decision"] == "unknown"


def test_events_replayed_by_an_edge_gate_are_stored_once(world, site):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {site['camera_token']}")
    body = {
        "events": [
            {"id": "e1", "at": "2026-11-20T08:00:00+08:00", "kind": "card", "decision": "granted"}
        ]
    }
    for expected in ({"stored": 1, "duplicates": 0}, {"stored": 0, "duplicates": 1}):
        response = client.post("/api/v1/access-events", body, content_type="application/json")
        assert response.status_code == 200 and response.json() == expected
    bad = client.post(
        "/api/v1/access-events",
        {"events": [{"id": "e2", "at": "yesterday", "kind": "card", "decision": "granted"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "events.0.at" in bad.json()["errors"]
    wrong = Client(HTTP_AUTHORIZATION="Bearer dv_nope").get("/api/v1/access/templates")
    assert wrong.status_code == 401
