"""回头看 on a crafted pair of snapshots: exactly the expected findings, claim tasks and
cancellations; claiming and declining (never without reasons and evidence)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from community_brain.core.errors import InvalidInput
from community_brain.duties import services
from community_brain.duties.check import run_check
from community_brain.duties.choices import ClaimStatus, FindingKind, ItemStatus
from community_brain.duties.models import (
    CatalogueEntry,
    CatalogueSnapshot,
    ClaimTask,
    DutyItem,
)

COUNTY = [  # code, department, name, type, basis
    ("XK0001", "market", "食品经营许可", "XK", "《中华人民共和国食品安全法》第三十五条"),
    (
        "CF0001",
        "market",
        "对生产经营不符合安全标准食品的行政处罚",
        "CF",
        "《食品安全法》第一百二十四条",
    ),
    ("CF0002", "env", "对超标排放大气污染物的行政处罚", "CF", "《大气污染防治法》第九十九条"),
    ("JC0001", "edu", "对民办学校办学行为的行政检查", "JC", "《民办教育促进法》第四十一条"),
]


def snapshot(rows, day="2026-11-01") -> CatalogueSnapshot:
    snap = CatalogueSnapshot.objects.create(taken_on=day, entry_count=len(rows))
    CatalogueEntry.objects.bulk_create(
        CatalogueEntry(snapshot=snap, code=c, name=n, type=t, basis=b, department_name=d)
        for c, d, n, t, b in rows
    )
    return snap


@pytest.fixture
def lists(county):
    for code, dept, name, kind, basis in COUNTY:
        services.create_item(
            by=None,
            department=county["depts"][dept],
            fields={"code": code, "name": name, "type": kind, "basis": basis},
            responsibilities=[{"stage": "受理", "content": "依法受理申请", "basis": basis}],
            accountabilities=[{"situation": "对符合条件不予受理的", "basis": basis}],
        )
    return county


def as_catalogue(rows, department_names):
    return [(c, department_names.get(d, d), n, t, b) for c, d, n, t, b in rows]


def test_a_matching_catalogue_finds_nothing(lists):
    names = {k: v.name for k, v in lists["depts"].items()}
    # whitespace and full-width punctuation are not differences
    rows = as_catalogue(COUNTY, names)
    rows[0] = (*rows[0][:4], "《中华人民共和国食品安全法》 第三十五条 ")
    run = run_check(snapshot(rows))
    assert (run.new_count, run.cancelled_count, run.changed_count) == (0, 0, 0)
    assert not ClaimTask.objects.exists()


def test_a_changed_catalogue_gives_exactly_the_expected_tasks(lists):
    names = {k: v.name for k, v in lists["depts"].items()}
    run_check(snapshot(as_catalogue(COUNTY, names)))
    changed = [
        ("XK0001", names["market"], "食品经营许可", "XK", "《中华人民共和国食品安全法》第三十五条"),
        # renamed, and a different basis
        (
            "CF0001",
            names["market"],
            "对经营不符合食品安全标准食品的行政处罚",
            "CF",
            "《食品安全法》第一百二十五条",
        ),
        # CF0002 is gone from the catalogue
        (
            "JC0001",
            names["edu"],
            "对民办学校办学行为的行政检查",
            "QT",
            "《民办教育促进法》第四十一条",
        ),
        ("XK0002", names["market"], "食品生产许可", "XK", "《食品安全法》第三十五条"),
        ("GG0001", "县教育体育局（教育）", "学生资助", "GG", "《教育法》"),  # near name
        ("QR0001", "县某某局", "某项确认", "QR", "某条例"),  # no such department
    ]
    run = run_check(snapshot(changed, day="2026-11-05"))
    kinds = {(f.kind, f.code) for f in run.findings.all()}
    assert kinds == {
        (FindingKind.CHANGED, "CF0001"),
        (FindingKind.CHANGED, "JC0001"),
        (FindingKind.CANCELLED, "CF0002"),
        (FindingKind.NEW, "XK0002"),
        (FindingKind.NEW, "GG0001"),
        (FindingKind.NEW, "QR0001"),
    }
    cf = run.findings.get(code="CF0001")
    assert set(cf.differences) == {"name", "basis"}
    assert set(run.findings.get(code="JC0001").differences) == {"type"}
    tasks = {t.code: t.department for t in ClaimTask.objects.all()}
    assert tasks == {
        "XK0002": lists["depts"]["market"],
        "GG0001": None,  # "县教育体育局（教育）" is not close enough to guess
        "QR0001": None,
    }
    again = run_check(trigger="schedule")  # the next run adds no second task
    assert again.new_count == 3 and ClaimTask.objects.count() == 3


def test_claiming_makes_a_county_item_and_the_next_check_is_clean(lists):
    names = {k: v.name for k, v in lists["depts"].items()}
    rows = [
        *as_catalogue(COUNTY, names),
        ("XK0002", names["market"], "食品生产许可", "XK", "《食品安全法》第三十五条"),
    ]
    run_check(snapshot(rows))
    task = ClaimTask.objects.get(code="XK0002")
    with pytest.raises(PermissionDenied):
        services.claim(by=lists["users"]["edu"], task=task)
    item = services.claim(by=lists["users"]["market"], task=task)
    assert item.department == lists["depts"]["market"] and item.versions.count() == 1
    task.refresh_from_db()
    assert task.status == ClaimStatus.CLAIMED and task.item == item
    run = run_check()
    assert (run.new_count, run.cancelled_count, run.changed_count) == (0, 0, 0)


def test_a_decline_needs_reasons_and_evidence(lists):
    names = {k: v.name for k, v in lists["depts"].items()}
    rows = [
        *as_catalogue(COUNTY, names),
        ("XK0002", names["market"], "食品生产许可", "XK", "《食品安全法》"),
    ]
    run_check(snapshot(rows))
    task = ClaimTask.objects.get(code="XK0002")
    market = lists["users"]["market"]
    with pytest.raises(InvalidInput) as refused:
        services.decline(by=market, task=task, reason="", files=[])
    assert set(refused.value.field_errors) == {"reason", "evidence"}
    with pytest.raises(InvalidInput) as refused:
        services.decline(by=market, task=task, reason="本局不承担食品生产许可，已由市局实施。")
    assert set(refused.value.field_errors) == {"evidence"}
    task.refresh_from_db()
    assert task.status == ClaimStatus.OPEN  # nothing half-written
    letter = SimpleUploadedFile("市局函.pdf", b"%PDF-1.4 letter", content_type="application/pdf")
    services.decline(
        by=market, task=task, reason="本局不承担食品生产许可，已由市局实施。", files=[letter]
    )
    task.refresh_from_db()
    assert task.status == ClaimStatus.DECLINED and task.evidence.count() == 1
    assert run_check().new_count == 1 and ClaimTask.objects.count() == 1  # stays declined


def test_a_cancelled_code_is_never_reused(lists):
    item = DutyItem.objects.get(code="CF0002")
    with pytest.raises(InvalidInput):
        services.cancel_item(by=None, item=item, reason="短")
    services.cancel_item(by=None, item=item, reason="上位法已废止，依据失效。")
    item.refresh_from_db()
    assert item.status == ItemStatus.CANCELLED and item.versions.count() == 2
    with pytest.raises(InvalidInput) as taken:
        services.create_item(
            by=None,
            department=lists["depts"]["env"],
            fields={"code": "CF0002", "name": "新事项", "type": "CF", "basis": "某法"},
        )
    assert "code" in taken.value.field_errors


def test_a_catalogue_imports_from_json_and_is_checked(lists, tmp_path):
    from community_brain.core.importing import read_table
    from community_brain.duties.importing import CatalogueImport

    names = {k: v.name for k, v in lists["depts"].items()}
    rows = [
        {
            "事项编码": c,
            "事项名称": n,
            "事项类型": {"XK": "行政许可", "CF": "行政处罚", "JC": "行政检查"}[t],
            "设定依据": b,
            "实施部门": names[d],
        }
        for c, d, n, t, b in COUNTY
    ]
    rows.append({"事项编码": "XK0001", "事项名称": "重复", "事项类型": "许可证", "设定依据": ""})
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"items": rows}, ensure_ascii=False), encoding="utf-8")
    handler = CatalogueImport()
    table = read_table(path, "catalogue.json", handler.columns)
    checked = handler.check(table, None, lambda n: None)
    assert {(e.row, e.field) for e in checked.errors} == {(6, "code"), (6, "type")}


def test_the_scheduled_check_runs_on_mondays_and_thursdays(lists, monkeypatch):
    from datetime import date

    from community_brain.duties import check

    names = {k: v.name for k, v in lists["depts"].items()}
    snapshot(as_catalogue(COUNTY, names))
    for day, runs in (
        (date(2026, 11, 23), True),
        (date(2026, 11, 24), False),
        (date(2026, 11, 26), True),
    ):
        monkeypatch.setattr(check.timezone, "localdate", lambda d=day: d)
        assert (check.scheduled_check() is not None) is runs, day
