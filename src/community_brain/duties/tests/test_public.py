"""The public site of the lists (no login): search and filters, the .xlsx export, one item,
the list and the item as of a past date, and nothing internal on any page."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from community_brain.duties import services
from community_brain.duties.models import (
    CatalogueEntry,
    CatalogueSnapshot,
    CheckRun,
    ClaimTask,
    Finding,
)

LIST = "/public/duties/"


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def make(county, code, name, *, dept="market", kind="CF", at_=None, **extra):
    reason = extra.pop("reason", "权责清单发布")
    return services.create_item(
        by=county["users"]["office"],
        department=county["depts"][dept],
        fields={
            "code": code,
            "name": name,
            "type": kind,
            "basis": extra.pop("basis", "《中华人民共和国行政处罚法》第二十条"),
            **extra,
        },
        responsibilities=[
            {
                "stage": "立案",
                "content": "对涉嫌违法行为予以立案。",
                "basis": "《行政处罚法》第五十四条",
            },
            {"stage": "决定", "content": "作出处罚决定。", "basis": "《行政处罚法》第五十九条"},
        ],
        accountabilities=[
            {"situation": "没有法定的行政处罚依据的", "basis": "《行政处罚法》第七十六条"}
        ],
        reason=reason,
        at=at_,
    )


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def codes_in(html: str) -> set[str]:
    return set(re.findall(r'class="code"[^>]*>([A-Z]{2}\d+)<', html))


def test_the_list_finds_an_item_by_a_chinese_keyword_and_shows_nothing_internal(county, client):
    food = make(
        county,
        "CF370321210001",
        "对未取得食品生产经营许可从事食品生产经营活动的行政处罚",
        basis="《中华人民共和国食品安全法》第一百二十二条",
        notes="市县同权\n内部：待司法局复核此项",
        reason="内部理由：省编办通知新增",
    )
    make(county, "XK370321030001", "民办学校办学许可", dept="edu", kind="XK")
    snapshot = CatalogueSnapshot.objects.create(taken_on=timezone.localdate())
    entry = CatalogueEntry.objects.create(
        snapshot=snapshot, code="CF370321219001", name="省目录新增的保密事项", type="CF"
    )
    ClaimTask.objects.create(
        code=entry.code,
        entry=entry,
        department=county["depts"]["market"],
        reason="不认领的理由甲乙",
    )
    run = CheckRun.objects.create(snapshot=snapshot, trigger="manual")
    Finding.objects.create(
        run=run,
        kind="changed",
        code=food.code,
        item=food,
        differences={"name": ["x", "核查差异丙丁"]},
    )

    for q in ("食品生产经营", "CF370321210001", "食品安全法"):
        html = page(client, f"{LIST}?q={q}")
        assert codes_in(html) == {"CF370321210001"}, q
    item_html = page(client, f"{LIST}CF370321210001/")
    assert "第一百二十二条" in item_html and "市县同权" in item_html
    assert "立案" in item_html and "没有法定的行政处罚依据的" in item_html
    for html in (page(client, LIST), item_html, page(client, f"{LIST}about/")):
        for secret in (
            "内部理由",
            "待司法局复核",
            "省目录新增的保密事项",
            "不认领的理由",
            "核查差异",
        ):
            assert secret not in html
        assert "u-office" not in html  # who published it
        # no inline script (CSP): every script tag loads a file
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_filters_by_department_and_type_with_counts_per_type(county, client):
    make(county, "CF370321210001", "对甲的行政处罚")
    make(county, "CF370321210002", "对乙的行政处罚")
    make(county, "JC370321210001", "对丙的行政检查", kind="JC")
    make(county, "XK370321030001", "丁许可", dept="edu", kind="XK")

    edu = county["depts"]["edu"].pk
    assert codes_in(page(client, f"{LIST}?department={edu}")) == {"XK370321030001"}
    assert codes_in(page(client, f"{LIST}?type=CF")) == {"CF370321210001", "CF370321210002"}
    market = county["depts"]["market"].pk
    html = page(client, f"{LIST}?department={market}&type=JC")
    assert codes_in(html) == {"JC370321210001"}
    # the chips count the department's items of each type, whatever type is chosen
    chips = dict(re.findall(r'data-type="([A-Z]{2})">[^<]*<b>(\d+)</b>', html))
    assert chips == {"CF": "2", "JC": "1"}


def test_the_export_opens_and_holds_the_filtered_rows(county, client):
    make(county, "CF370321210001", "对甲的行政处罚", same_power=True)
    make(county, "CF370321210002", "对乙的行政处罚")
    make(county, "XK370321030001", "丁许可", dept="edu", kind="XK", statutory_days=20)

    response = client.get(f"{LIST}export.xlsx?type=CF")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("事项编码", "事项名称", "事项类型", "实施部门")
    assert [r[0] for r in rows[1:]] == ["CF370321210001", "CF370321210002"]
    assert rows[1][2] == "行政处罚" and rows[1][3] == "县市场监督管理局"
    assert "同权" in rows[1][-1]


def test_the_list_and_an_item_as_of_a_past_date_show_what_was_published_then(county, client):
    changed = make(county, "CF370321210001", "旧名称的行政处罚", at_=at("2025-01-10T09:00"))
    gone = make(county, "CF370321210002", "后来取消的行政处罚", at_=at("2025-01-10T09:00"))
    make(county, "CF370321210003", "后来新增的行政处罚", at_=at("2025-09-01T09:00"))
    changed.name = "新名称的行政处罚"
    changed.save()
    services.publish(
        changed, change="change", reason="名称调整的内部理由", at=at("2025-06-01T15:00")
    )
    services.cancel_item(
        by=county["users"]["office"],
        item=gone,
        reason="上位法废止，依法取消。",
        at=at("2025-06-01T15:00"),
    )

    def listed(day: str) -> dict[str, str]:
        html = page(client, f"{LIST}?as_of={day}")
        return dict(re.findall(r'class="code"[^>]*>([A-Z]{2}\d+)<.*?>([^<]+)</a>', html, re.S))

    assert listed("2024-12-31") == {}
    assert listed("2025-03-01") == {
        "CF370321210001": "旧名称的行政处罚",
        "CF370321210002": "后来取消的行政处罚",
    }
    # the change and the cancellation happened in the afternoon: at the end of the day they hold
    assert listed("2025-06-01") == {"CF370321210001": "新名称的行政处罚"}
    assert listed("2025-08-31") == {"CF370321210001": "新名称的行政处罚"}
    now = {"CF370321210001": "新名称的行政处罚", "CF370321210003": "后来新增的行政处罚"}
    assert listed("2025-09-01") == now
    assert listed(timezone.localdate().isoformat()) == now
    live = page(client, LIST)
    assert codes_in(live) == set(now)
    assert "新名称的行政处罚" in live and "旧名称" not in live

    assert "旧名称的行政处罚" in page(client, f"{LIST}CF370321210001/?as_of=2025-03-01")
    item_html = page(client, f"{LIST}CF370321210001/")
    assert "新名称的行政处罚" in item_html and "名称调整的内部理由" not in item_html
    assert item_html.count("<li", item_html.index("data-history")) == 2  # added, changed

    before = page(client, f"{LIST}CF370321210002/?as_of=2025-05-31")
    assert "data-cancelled" not in before
    for url in (f"{LIST}CF370321210002/?as_of=2025-07-01", f"{LIST}CF370321210002/"):
        html = page(client, url)
        assert "data-cancelled" in html and "2025-06-01" in html
        assert "上位法废止" not in html

    response = client.get(f"{LIST}CF370321210003/?as_of=2025-03-01")
    assert response.status_code == 404
    assert b"data-not-listed" in response.content


@pytest.mark.parametrize("bad", ["2025-13-45", "yesterday", "0001-01-01"])
def test_a_bad_date_gets_a_clear_message(county, client, bad):
    make(county, "CF370321210001", "对甲的行政处罚")
    for url in (
        f"{LIST}?as_of={bad}",
        f"{LIST}CF370321210001/?as_of={bad}",
        f"{LIST}export.xlsx?as_of={bad}",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        html = response.content.decode()
        assert "data-error" in html and bad in html


def test_an_unknown_code_is_not_found(db, client):
    assert client.get(f"{LIST}CF999999990001/").status_code == 404
    assert client.get(f"{LIST}CF%00/").status_code == 404
    assert client.get(f"{LIST}about/").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["department=abc", "department=²", "department=99999999999999999999", "q=%00食品", "page=x"],
)
def test_odd_filters_are_ignored_not_a_crash(county, client, query):
    make(county, "CF370321210001", "对食品的行政处罚")
    assert client.get(f"{LIST}?{query}").status_code == 200
    assert client.get(f"{LIST}export.xlsx?{query}").status_code == 200
