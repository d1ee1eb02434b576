"""The pages: the guard's console (live events, open by hand, visitor and pass), the
resident's consent page (notice, give, withdraw), the privacy page (ledger, settings, audit
of biometric reads), the strangers page; and who may see each."""

from __future__ import annotations

import pytest

from community_brain.access.models import AccessEvent, Consent
from community_brain.access.services import gates

from .conftest import give


def test_the_guard_sees_the_console_opens_and_registers_a_visitor(world, site, login):
    client = login(world.users["property"])
    page = client.get("/access/")
    assert page.status_code == 200 and "南门" in page.content.decode()
    opened = client.post("/access/gates/a-main/open/", {"reason": "快递", "direction": "in"})
    assert opened.status_code == 302
    assert AccessEvent.objects.filter(kind="manual", reason="快递").exists()
    client.post("/access/gates/a-main/visitors/", {"name": "钱访客", "phone": "", "hours": "4"})
    page = client.get("/access/gates/a-main/")
    assert "qr_" in page.content.decode()  # the pass, shown once
    assert "qr_" not in client.get("/access/gates/a-main/").content.decode()
    partial = client.get("/access/gates/a-main/events/")
    assert "data-events" in partial.content.decode()


@pytest.mark.parametrize(("user", "status"), [("grid", 403), ("officer", 403), ("resident", 403)])
def test_the_console_is_for_staff_and_guards(world, site, login, user, status):
    assert login(world.users[user]).get("/access/").status_code == status


def test_a_resident_gives_and_withdraws_consent_on_her_page(world, site, login):
    client = login(world.users["resident"])
    page = client.get("/access/consent/")
    body = page.content.decode()
    assert page.status_code == 200 and "IC" in body
    resident = world.residents["a1-head"]
    form = page.context["rows"][0]
    row = next(r for r in page.context["rows"] if r["resident"] == resident)
    assert form["notice_hash"]
    client.post(
        f"/access/consent/{resident.pk}/",
        {"notice_version": row["notice_version"], "notice_hash": row["notice_hash"]},
    )
    assert Consent.objects.filter(resident=resident, withdrawn_at__isnull=True).exists()
    client.post(f"/access/consent/{resident.pk}/", {"action": "withdraw"})
    assert not Consent.objects.filter(resident=resident, withdrawn_at__isnull=True).exists()
    assert login(world.users["grid"]).get("/access/consent/").status_code == 403


def test_the_privacy_page_shows_notice_ledger_and_biometric_reads(world, site, login):
    give(world.residents["a1-head"], world.users["staff"])
    gates.open_by_hand(site["gate"], by=world.users["property"], reason="test")
    client = login(world.users["staff"])
    page = client.get(f"/access/privacy/{world.compounds['a'].pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "data-ledger" in body and world.residents["a1-head"].masked_name in body
    changed = client.post(
        f"/access/privacy/{world.compounds['a'].pk}/",
        {
            "snapshot_retention_days": 30,
            "event_retention_days": 10,
            "threshold": 0.6,
            "stranger_distance": 0.5,
            "stranger_sightings": 3,
            "night_from": "23:00",
            "night_until": "05:00",
        },
    )
    assert changed.status_code == 200  # refused: snapshots outlive their events
    assert "snapshot_retention_days" in changed.context["form"].errors
    guard = login(world.users["property"]).get(f"/access/privacy/{world.compounds['a'].pk}/")
    assert guard.status_code == 200 and not guard.context["may_change"]


def test_the_strangers_page_lists_groups(world, site, login):
    gates.record_edge_events(
        site["camera"],
        [
            {
                "id": "s1",
                "at": "2026-11-20T10:00:00+08:00",
                "kind": "face",
                "decision": "unknown",
                "embedding": [0.01] * 128,
            }
        ],
    )
    page = login(world.users["staff"]).get("/access/strangers/")
    assert page.status_code == 200 and "data-group=" in page.content.decode()


def test_staff_manage_a_residents_credentials_on_her_page(world, site, login, api_client):
    resident = world.residents["a1-spouse"]
    client = login(world.users["staff"])
    url = f"/access/residents/{resident.pk}/"
    assert client.get(url).status_code == 200
    client.post(url, {"action": "card", "number": "AB12CD34"})
    client.post(url, {"action": "pin", "pin": "12"})  # refused, named
    client.post(url, {"action": "qr", "hours": "48"})
    page = client.get(url).content.decode()
    assert "qr_" in page and "CD34" in page
    assert resident.access_credentials.count() == 2
    assert login(world.users["property"]).get(url).status_code == 403

    api = api_client(world.users["staff"])
    made = api.post(
        f"/api/v1/access/residents/{resident.pk}/credentials",
        {"kind": "pin", "pin": "246810"},
        content_type="application/json",
    )
    assert made.status_code == 200, made.content
    gone = api.delete(f"/api/v1/access/credentials/{made.json()['credential']}")
    assert gone.status_code == 200 and gone.json()["revoked_at"]
    assert api.delete(f"/api/v1/access/residents/{resident.pk}/template").json() == {"deleted": 0}
