"""The API as a phone app and a contractor's system would use it: the checklist, a round
posted with an idempotency key, the ledger filtered by stakes, and the notice's steps."""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine

from community_brain.inspections import notices
from community_brain.inspections.models import DefectType, Finding

pytestmark = pytest.mark.django_db
TODAY = "2026-11-25 10:00 +0800"


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _round_body(*stakes):
    defect = DefectType.objects.get(name="轮廓标损坏")
    return {
        "inspected_on": "2026-11-24",
        "weather": "sunny",
        "route": "G233 K0+000~K25+500",
        "participants": [{"name": "徐阳春", "unit": "公路中心"}],
        "findings": [
            {"stake": s, "defect_type": defect.pk, "description": "轮廓标损坏"} for s in stakes
        ],
    }


@time_machine.travel(TODAY, tick=False)
def test_a_phone_app_posts_a_round_once_and_reads_the_ledger(api_client, road):
    app = api_client(road.inspector)
    checklist = app.get("/api/v1/inspection-checklist").json()
    assert {s["code"] for s in checklist["severities"]} == {"minor", "major", "severe"}
    assert any(d["name"] == "轮廓标损坏" for d in checklist["defect_types"])

    url = "/api/v1/inspection-projects/g233/rounds"
    first = _post(app, url, _round_body("K3+200", "YK14+100~+180"), HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert [f["number"] for f in body["findings"]] == ["G233-2026-0001", "G233-2026-0002"]
    assert body["findings"][1]["stakes"] == "YK14+100~YK14+180"
    assert body["findings"][0]["case"].startswith("GL-2026-")
    again = _post(app, url, _round_body("K3+200", "YK14+100~+180"), HTTP_IDEMPOTENCY_KEY="r-1")
    assert again.json()["id"] == body["id"] and Finding.objects.count() == 2

    bad = _post(app, url, _round_body("K3+20"))
    assert bad.status_code == 400 and "findings.0.stake" in bad.json()["errors"]

    findings = "/api/v1/inspection-projects/g233/findings"
    ledger = app.get(findings, {"stake": "K14+000~K15+000"}).json()
    assert ledger["count"] == 1 and ledger["items"][0]["number"] == "G233-2026-0002"
    wrong = app.get(findings, {"stake": "K14"})
    assert wrong.status_code == 400 and "stake" in wrong.json()["errors"]

    projects = app.get("/api/v1/inspection-projects").json()
    north = projects["items"][0]["sections"][0]
    assert north["open"] == 1 and north["deposit"] == 300000.0
    assert api_client(road.outsider).get("/api/v1/inspection-projects").json()["count"] == 0
    assert _post(api_client(road.contractor), url, _round_body("K3+200")).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_a_contractor_acknowledges_and_replies_over_the_api(api_client, road):
    _post(
        api_client(road.inspector),
        "/api/v1/inspection-projects/g233/rounds",
        _round_body("K3+200"),
    )
    finding = Finding.objects.get()
    notice = notices.draft_notice(
        by=road.supervisor, findings=[finding], requirements="须修复", deadline=date(2026, 12, 4)
    )
    contractor = api_client(road.contractor)
    assert contractor.get(f"/api/v1/rectification-notices/{notice.pk}").status_code == 404  # draft
    notices.issue(notice, by=road.supervisor)
    early = _post(
        contractor, f"/api/v1/rectification-notices/{notice.pk}/reply", {"text": "已修复"}
    )
    assert early.status_code == 409 and early.json()["current"] == "issued"
    assert (
        _post(contractor, f"/api/v1/rectification-notices/{notice.pk}/acknowledge", {}).json()[
            "status"
        ]
        == "acknowledged"
    )
    replied = _post(
        contractor,
        f"/api/v1/rectification-notices/{notice.pk}/reply",
        {"text": "已修复", "measures": {str(finding.pk): "更换轮廓标2根"}},
    )
    assert replied.status_code == 200 and replied.json()["status"] == "replied"
    finding.refresh_from_db()
    assert finding.measures == "更换轮廓标2根"
    checked = _post(
        api_client(road.supervisor),
        f"/api/v1/rectification-notices/{notice.pk}/recheck",
        {"passed": {str(finding.pk): True}, "opinion": "合格"},
    )
    assert checked.json()["status"] == "closed"
    other = api_client(road.other_contractor)
    assert other.get(f"/api/v1/rectification-notices/{notice.pk}").status_code == 404
