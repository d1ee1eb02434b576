"""The back office of the bulletin and its API: who sees which issue, editing, review,
publishing."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from community_brain.bulletins import services


@pytest.fixture(autouse=True)
def _late_november():
    with time_machine.travel("2026-11-25 09:00 +0800", tick=True):
        yield


def test_staff_open_edit_and_publish_an_issue(world, ledger, login):
    client = login(world.users["staff"])
    assert client.post("/bulletins/", {"community": world.community.pk}).status_code == 302
    issue = world.community.bulletins.get()
    page = client.get(f"/bulletins/{issue.pk}/").content.decode()
    assert "电梯按钮失灵" in page  # solved in this fortnight (16–30 November)
    section = issue.sections.get(kind="community")
    client.post(f"/bulletins/sections/{section.pk}/", {"title": "社区工作", "body": "改过的"})
    section.refresh_from_db()
    assert section.body == "改过的"
    client.post(f"/bulletins/{issue.pk}/move/", {"action": "submit"})
    client.post(f"/bulletins/{issue.pk}/move/", {"action": "publish"})
    issue.refresh_from_db()
    assert issue.is_published


def test_property_staff_see_and_write_only_their_compound(world, ledger, login):
    issue = services.open_issue(
        by=world.users["staff"], community=world.community, day=date(2026, 11, 8)
    )
    client = login(world.users["property"])
    page = client.get(f"/bulletins/{issue.pk}/")
    assert page.status_code == 200
    theirs = issue.sections.get(compound=world.compounds["b"])
    client.post(f"/bulletins/sections/{theirs.pk}/", {"title": "x", "body": "y"})
    theirs.refresh_from_db()
    assert theirs.body == ""
    assert login(world.users["grid"]).get(f"/bulletins/{issue.pk}/").status_code in (403, 404)
    assert login(world.users["resident"]).get("/bulletins/").status_code == 403


def test_api(world, ledger, api_client):
    issue = services.open_issue(
        by=world.users["staff"], community=world.community, day=date(2026, 11, 8)
    )
    api = api_client(world.users["staff"])
    assert api.get("/api/v1/bulletins").json()["count"] == 1
    detail = api.get(f"/api/v1/bulletins/{issue.pk}").json()
    assert [s["kind"] for s in detail["sections"]][:3] == ["audio", "video", "community"]
    assert (
        api.post(
            f"/api/v1/bulletins/{issue.pk}/publish", {}, content_type="application/json"
        ).status_code
        == 409
    )
    assert api.post(f"/api/v1/bulletins/{issue.pk}/submit").status_code == 200
    done = api.post(f"/api/v1/bulletins/{issue.pk}/publish", {}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "published"
    assert (
        api_client(world.users["inspector"]).get(f"/api/v1/bulletins/{issue.pk}").status_code == 404
    )
