"""The office's check page and the departments' claim tasks, as people use them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from community_brain.duties.check import run_check
from community_brain.duties.choices import ClaimStatus
from community_brain.duties.models import CatalogueEntry, CatalogueSnapshot, ClaimTask


def new_items(county):
    snap = CatalogueSnapshot.objects.create(taken_on="2026-11-20", entry_count=2)
    for code, name in (("XK0100", "食品生产许可"), ("XK0101", "特种设备使用登记")):
        CatalogueEntry.objects.create(
            snapshot=snap,
            code=code,
            name=name,
            type="XK",
            basis="《某法》",
            department_name=county["depts"]["market"].name,
        )
    return run_check(snap)


def test_only_the_office_sees_the_check(county, client):
    new_items(county)
    client.force_login(county["users"]["market"])
    assert client.get("/duties/").status_code == 403
    client.force_login(county["users"]["office"])
    page = client.get("/duties/")
    assert page.status_code == 200 and "食品生产许可" in page.content.decode()
    assert client.post("/duties/check/").status_code == 302


def test_a_department_claims_and_declines_from_its_page(county, client):
    new_items(county)
    client.force_login(county["users"]["edu"])
    assert "XK0100" not in client.get("/duties/claims/").content.decode()  # not theirs
    client.force_login(county["users"]["market"])
    page = client.get("/duties/claims/").content.decode()
    assert "XK0100" in page and "XK0101" in page
    first, second = ClaimTask.objects.order_by("code")
    client.post(f"/duties/claims/{first.pk}/answer/", {"answer": "claim"})
    refused = client.post(
        f"/duties/claims/{second.pk}/answer/", {"answer": "decline", "reason": ""}, follow=True
    )
    assert "XK0101" in refused.content.decode()
    second.refresh_from_db()
    assert second.status == ClaimStatus.OPEN
    letter = SimpleUploadedFile("说明.pdf", b"%PDF-1.4", content_type="application/pdf")
    client.post(
        f"/duties/claims/{second.pk}/answer/",
        {"answer": "decline", "reason": "该事项由市级部门实施，县级不承接。", "evidence": letter},
    )
    statuses = dict(ClaimTask.objects.values_list("code", "status"))
    assert statuses == {"XK0100": ClaimStatus.CLAIMED, "XK0101": ClaimStatus.DECLINED}


def test_the_statistics_count_items_per_department_and_type(county, client):
    from community_brain.duties import services

    for n, (dept, kind) in enumerate(
        [("market", "CF"), ("market", "CF"), ("market", "XK"), ("edu", "JC")]
    ):
        services.create_item(
            by=None,
            department=county["depts"][dept],
            fields={"code": f"T{n}", "name": f"事项{n}", "type": kind, "basis": "某法"},
        )
    client.force_login(county["users"]["edu"])
    page = client.get("/duties/stats/")
    assert page.status_code == 200
    table = page.context["table"]
    assert table["total"] == 4
    market = next(r for r in table["rows"] if r["name"] == "县市场监督管理局")
    assert market["counts"]["CF"] == 2 and market["counts"]["XK"] == 1 and market["total"] == 3
    assert page.context["changes"][-1]["add"] == 4
