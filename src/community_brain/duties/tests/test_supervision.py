"""Supervision of operation: cases read against the lists — unclear divisions of duty, slow
items, hot items — and who may see it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from community_brain.cases.choices import Source
from community_brain.cases.models import Case, Category
from community_brain.cases.services.intake import report
from community_brain.duties import services, supervision
from community_brain.places.models import Community

TZ = ZoneInfo("Asia/Shanghai")
MARCH = {"since": "2025-03-01", "until": "2025-03-31"}


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=TZ)


@pytest.fixture
def ledger(county):
    Community.objects.create(name="桓台县", code="HT", region_code="370321")
    category = Category.objects.create(code="hotline", name="12345热线", resolve_workdays=10)
    market, env = county["depts"]["market"], county["depts"]["env"]
    for dept, code, promised in ((market, "XK0001", 5), (env, "CF0002", None)):
        services.create_item(
            by=None,
            department=dept,
            fields={
                "code": code,
                "name": f"事项{code}",
                "type": code[:2],
                "basis": "《某法》",
                "promised_days": promised,
            },
        )

    def case(title, *, when, ref="", resolved=None, bounces=0, complaint=False, to=None, text=""):
        made = report(
            by=None,
            data={
                "title": title,
                "category": category.pk,
                "address": "县政务服务中心",
                "description": text,
                "request_type": "complaint" if complaint else "help",
            },
            source=Source.PHONE,
            when=at(when),
            external_ref=ref,
            route_to=to,
        )
        Case.objects.filter(pk=made.pk).update(
            resolved_at=at(resolved, 16) if resolved else None, bounce_count=bounces
        )
        return made

    return {"case": case, "market": market, "env": env}


def march():
    return supervision.supervise(date(2025, 3, 1), date(2025, 3, 31))


def test_a_case_transferred_twice_is_listed(ledger):
    ledger["case"]("来回推诿的噪音投诉", when="2025-03-03", bounces=2)
    ledger["case"]("转过一次的问题", when="2025-03-03", bounces=1)
    s = march()
    assert s["bounced"]["count"] == 1
    assert s["bounced"]["rows"][0]["title"] == "来回推诿的噪音投诉"


def test_cases_link_to_items_by_reference_or_by_code_in_the_text(ledger):
    case = ledger["case"]
    by_ref = case("办理许可很慢", when="2025-03-03", ref="duty:XK0001")
    case("询问事项CF0002的办理", when="2025-03-04", to=ledger["env"])
    both = case("许可和处罚", when="2025-03-05", text="涉及XK0001与CF0002两个事项")
    none = case("无关的问题反映", when="2025-03-05", to=ledger["market"])
    case("谁也不管的事情", when="2025-03-05")  # no department on the lists: not unclear
    index = supervision.item_index()
    row = Case.objects.filter(pk=by_ref.pk).values(*supervision.FIELDS).get()
    assert supervision.linked_codes(row, index) == ["XK0001"]
    # an explicit reference wins over codes in the text
    assert supervision.linked_codes({**row, "title": "CF0002"}, index) == ["XK0001"]
    assert supervision.linked_codes({"title": "xk0001号", "description": ""}, index) == ["XK0001"]
    assert supervision.linked_codes({"title": "编号XK00012", "description": ""}, index) == []
    s = march()
    assert s["cases"] == 5 and s["linked"] == 3
    assert [r["code"] for r in s["several"]["rows"]] == [both.code]
    assert [r["code"] for r in s["unmatched"]["rows"]] == [none.code]


def test_slow_items_p50_and_p90_in_working_days(ledger):
    # reported on Monday 3 March 2025; resolved 1, 2, 3, 5 and 10 working days later
    for resolved in ("2025-03-04", "2025-03-05", "2025-03-06", "2025-03-10", "2025-03-17"):
        ledger["case"]("许可办理", when="2025-03-03", ref="duty:XK0001", resolved=resolved)
    ledger["case"]("尚未办结", when="2025-03-03", ref="duty:XK0001")  # not resolved: not counted
    ledger["case"]("处罚案件", when="2025-03-03", ref="duty:CF0002", resolved="2025-03-31")
    [row] = march()["slow"]  # CF0002 promises nothing
    assert row["code"] == "XK0001" and row["cases"] == 5
    assert (row["p50"], row["p90"], row["promised"], row["slow"]) == (3, 10, 5, True)


def test_hot_items_count_complaints_in_the_period(ledger):
    case = ledger["case"]
    for n in range(3):
        case(f"投诉处罚不当{n}", when="2025-03-10", ref="duty:CF0002", complaint=True)
    case("投诉许可太慢", when="2025-03-10", ref="duty:XK0001", complaint=True)
    case("咨询许可", when="2025-03-10", ref="duty:XK0001")
    case("四月的投诉", when="2025-04-02", ref="duty:XK0001", complaint=True)  # outside
    hot = march()["hot"]
    assert [(r["code"], r["complaints"]) for r in hot] == [("CF0002", 3), ("XK0001", 1)]


def test_percentile_is_nearest_rank():
    assert supervision.percentile([], 0.5) is None
    assert supervision.percentile([7], 0.9) == 7
    assert supervision.percentile([10, 1, 3, 2, 5], 0.5) == 3
    assert supervision.percentile(list(range(1, 11)), 0.9) == 9


def test_the_pages_are_for_the_office(ledger, county, client):
    ledger["case"]("来回推诿的噪音投诉", when="2025-03-03", bounces=3)
    client.force_login(county["users"]["market"])
    assert client.get("/duties/supervision/").status_code == 403
    assert client.get("/duties/supervision/report/").status_code == 403
    client.force_login(county["users"]["office"])
    page = client.get("/duties/supervision/", MARCH)
    assert page.status_code == 200 and "来回推诿的噪音投诉" in page.content.decode()
    sheet = client.get("/duties/supervision/report/", MARCH).content.decode()
    assert "@media print" in sheet and "来回推诿的噪音投诉" in sheet
    assert "2025-03-01" in sheet and "2025-03-31" in sheet
