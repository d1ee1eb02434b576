"""The pages as their users use them: a round posted from the phone form, the ledger and
its .xlsx, a notice drafted from the ledger and walked to closed off, the papers, the
certificate refused while a defect is open, and who may see what."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.urls import reverse

from community_brain.inspections.models import DefectType, Finding, Notice
from community_brain.inspections.tests.conftest import jpeg

pytestmark = pytest.mark.django_db
TODAY = "2026-11-25 10:00 +0800"


def _round_post(client, road, stakes, token="t-1"):
    defects = [DefectType.objects.get(name=n) for n in ("轮廓标损坏", "反光膜粘贴不牢", "坑槽")]
    data = {
        "client_token": token,
        "inspected_on": "2026-11-24",
        "weather": "cloudy",
        "route": "G233 K0+000~K25+500",
        "p-name": ["徐阳春", "崔志强", ""],
        "p-unit": ["公路中心", "总监办", ""],
        "f-key": ["0", "1", "2", "3"],
        "f-stake": [*stakes, ""],
        "f-side": ["", "", "", ""],
        "f-defect_type": [str(d.pk) for d in defects] + [""],
        "f-severity": ["", "", "", ""],
        "f-description": ["轮廓标被撞断", "反光膜起皮", "坑槽一处", ""],
        "f-quantity": ["2根", "", "1处", ""],
        "f-photos-0": jpeg(),
    }
    return client.post(reverse("inspections:round_new", args=[road.project.code]), data)


@time_machine.travel(TODAY, tick=False)
def test_a_phone_round_with_three_findings_gives_three_ledger_rows(client, road):
    client.force_login(road.inspector)
    page = client.get(reverse("inspections:round_new", args=[road.project.code]))
    assert page.status_code == 200 and "f-stake" in page.content.decode()
    response = _round_post(client, road, ["K3+200", "YK12+040", "K8+500"])
    assert response.status_code == 302
    assert Finding.objects.count() == 3
    ledger = client.get(reverse("inspections:ledger", args=[road.project.code]))
    assert ledger.content.decode().count("data-ledger-row=") == 3
    # a resend of the same form (the answer was lost) adds nothing
    _round_post(client, road, ["K3+200", "YK12+040", "K8+500"])
    assert Finding.objects.count() == 3
    export = client.get(reverse("inspections:ledger", args=[road.project.code]) + "?format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.values)
    assert rows[0][:6] == ("序号", "问题编号", "检查日期", "合同段", "设施类别", "桩号（起–止）")
    assert len(rows) == 4 and {r[1] for r in rows[1:]} == {
        "G233-2026-0001",
        "G233-2026-0002",
        "G233-2026-0003",
    }
    assert next(r for r in rows[1:] if r[1] == "G233-2026-0001")[9] == 1  # one photo


@time_machine.travel(TODAY, tick=False)
def test_a_bad_stake_on_the_phone_form_saves_nothing_and_says_which(client, road):
    client.force_login(road.inspector)
    response = _round_post(client, road, ["K3+200", "K12+40", "K8+500"])
    assert response.status_code == 200
    body = response.content.decode()
    assert ("findings.1.stake" in body and "three digits" in body) or "三位" in body
    assert not Finding.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_notice_from_the_ledger_to_closed_off_with_its_papers(client, road):
    client.force_login(road.inspector)
    _round_post(client, road, ["K3+200", "K4+040", "K8+500"])
    ids = list(Finding.objects.filter(section=road.north).values_list("pk", flat=True))
    response = client.post(
        reverse("inspections:notice_draft", args=[road.project.code]),
        {"finding": ids, "requirements": "损坏的柱式轮廓标须修复", "deadline": "2026-12-04"},
    )
    notice = Notice.objects.get()
    assert response.url == reverse("inspections:notice", args=[notice.pk])
    move = reverse("inspections:notice_move", args=[notice.pk])
    client.post(move, {"action": "issue"})
    notice.refresh_from_db()
    assert notice.status == "issued" and notice.number == "G233-ZG-2026-001"
    docx = client.get(reverse("inspections:notice_paper", args=[notice.pk, "docx"]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "filename*=UTF-8''G233-ZG-2026-001" in docx["Content-Disposition"]
    assert (
        client.get(reverse("inspections:notice_paper", args=[notice.pk, "exe"])).status_code == 404
    )

    client.force_login(road.contractor)
    assert (
        'data-action="acknowledge"'
        in client.get(reverse("inspections:notice", args=[notice.pk])).content.decode()
    )
    client.post(move, {"action": "acknowledge"})
    first = min(ids)
    replied = client.post(
        move,
        {
            "action": "reply",
            "text": "已整改",
            f"measures-{first}": "更换轮廓标",
            f"photos-{first}": jpeg(),
            "completed_on": "2026-11-25",
        },
    )
    notice.refresh_from_db()
    assert notice.status == "replied", [str(m) for m in replied.wsgi_request._messages]
    client.force_login(road.supervisor)
    client.post(move, {"action": "recheck", **{f"verdict-{i}": "pass" for i in ids}})
    notice.refresh_from_db()
    assert notice.status == "closed"
    assert set(Finding.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"closed"}


@time_machine.travel(TODAY, tick=False)
def test_an_illegal_step_is_refused_with_the_current_state(client, road):
    client.force_login(road.inspector)
    _round_post(client, road, ["K3+200", "K4+040", "K8+500"])
    client.post(
        reverse("inspections:notice_draft", args=[road.project.code]),
        {
            "finding": list(
                Finding.objects.filter(section=road.north).values_list("pk", flat=True)
            ),
            "requirements": "须修复",
            "deadline": "2026-12-04",
        },
    )
    notice = Notice.objects.get()
    response = client.post(
        reverse("inspections:notice_move", args=[notice.pk]), {"action": "recheck"}, follow=True
    )
    assert "draft" in response.content.decode() or "草稿" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == "draft"


@time_machine.travel(TODAY, tick=False)
def test_who_sees_what(client, road):
    client.force_login(road.inspector)
    _round_post(client, road, ["K3+200", "K14+040", "K8+500"])
    client.post(
        reverse("inspections:notice_draft", args=[road.project.code]),
        {
            "finding": list(
                Finding.objects.filter(section=road.north).values_list("pk", flat=True)
            ),
            "requirements": "须修复",
            "deadline": "2026-12-04",
        },
    )
    notice = Notice.objects.get()
    # a contractor sees its own section's defects only, and no drafts
    client.force_login(road.other_contractor)
    ledger = client.get(reverse("inspections:ledger", args=[road.project.code])).content.decode()
    assert ledger.count("data-ledger-row=") == 1
    assert client.get(reverse("inspections:notice", args=[notice.pk])).status_code == 403
    assert client.get(reverse("inspections:round_new", args=[road.project.code])).status_code == 403
    client.force_login(road.outsider)
    assert client.get(reverse("inspections:project", args=[road.project.code])).status_code == 404
    assert client.get(reverse("inspections:home")).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_the_certificate_page_refuses_while_a_defect_is_open(client, road):
    client.force_login(road.inspector)
    _round_post(client, road, ["K3+200", "K4+040", "K8+500"])
    client.force_login(road.supervisor)
    url = reverse("inspections:section", args=[road.north.pk])
    page = client.get(url).content.decode()
    assert "G233-2026-0001" in page  # listed as still open
    response = client.post(url, {"action": "certificate"}, follow=True)
    assert "still open" in response.content.decode() or "未销号" in response.content.decode()
    assert not hasattr(road.north, "certificate") or road.north.certificate is None


def test_the_project_page_draws_its_sections_and_chart(client, road):
    client.force_login(road.supervisor)
    page = client.get(reverse("inspections:project", args=[road.project.code]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "第一合同段" in body and "month-data" in body
