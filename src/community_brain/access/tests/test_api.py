"""The API: a camera posts a JPEG with its device token and gets the decision; a reader
checks a card; staff list events (by scope); residents give and withdraw consent; the
enrolment endpoint refuses without consent."""

from __future__ import annotations

from django.test import Client

from community_brain.access.services import credentials, templates
from community_brain.core.models import AuditLog

from .conftest import gate_frame, give


def device(token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_camera_posts_a_jpeg_and_gets_the_decision(world, site, photos, api_client):
    staff, resident = world.users["staff"], world.residents["a1-head"]
    give(resident, staff)
    templates.enrol_resident(resident, photos, by=staff)
    camera = device(site["camera_token"])
    answer = camera.post(
        "/api/v1/access/frames?direction=in",
        gate_frame("obama3.jpg"),
        content_type="image/jpeg",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["decision"] == "granted" and body["resident_id"] == resident.pk
    assert body["resident"] == resident.masked_name and body["similarity"] > 0.6
    assert AuditLog.objects.filter(action="access.face_matched").count() == 1

    bad = camera.post("/api/v1/access/frames", b"not a jpeg", content_type="image/jpeg")
    assert bad.status_code == 400 and "image" in bad.json()["errors"]
    reader = device(site["reader_token"])
    refused = reader.post(
        "/api/v1/access/frames", gate_frame("obama3.jpg"), content_type="image/jpeg"
    )
    assert refused.status_code == 403
    assert (
        Client().post("/api/v1/access/frames", b"x", content_type="image/jpeg").status_code == 401
    )

    listed = api_client(staff).get("/api/v1/access-events").json()
    assert listed["count"] == 1 and listed["items"][0]["gate"] == "a-main"
    assert api_client(world.users["property"]).get("/api/v1/access-events").json()["count"] == 1
    for outsider in ("grid", "officer", "resident"):
        assert api_client(world.users[outsider]).get("/api/v1/access-events").json()["count"] == 0


def test_a_reader_checks_a_card(world, site):
    credentials.issue_card(world.residents["a1-head"], "C0FFEE01", by=world.users["staff"])
    reader = device(site["reader_token"])
    ok = reader.post(
        "/api/v1/access/credentials/check",
        {"kind": "card", "secret": "c0ffee01"},
        content_type="application/json",
    ).json()
    assert ok["decision"] == "granted"
    no = reader.post(
        "/api/v1/access/credentials/check",
        {"kind": "face", "secret": "x"},
        content_type="application/json",
    )
    assert no.status_code == 400 and "kind" in no.json()["errors"]


def test_consent_and_enrolment_through_the_api(world, site, api_client, faces):
    resident = world.residents["a1-head"]
    me = api_client(world.users["resident"])
    url = f"/api/v1/access/residents/{resident.pk}/consent"
    state = me.get(url).json()
    assert (state["consent"] is None and "IC" in state["notice"]) or "卡" in state["notice"]
    photo = gate_frame("obama.jpg")
    staff = api_client(world.users["staff"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload():
        return {"photos": [SimpleUploadedFile(f"{n}.jpg", photo, "image/jpeg") for n in (1, 2)]}

    refused = staff.post(f"/api/v1/access/residents/{resident.pk}/enrol", upload())
    assert refused.status_code == 400 and "consent" in refused.json()["errors"]
    given = me.post(
        url,
        {"notice_version": state["notice_version"], "notice_hash": state["notice_hash"]},
        content_type="application/json",
    )
    assert given.status_code == 200, given.content
    assert me.delete(url).status_code == 200
    other = world.residents["b1-head"]
    assert me.get(f"/api/v1/access/residents/{other.pk}/consent").status_code == 403
