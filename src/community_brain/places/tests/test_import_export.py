"""Imports: a dry run names every bad row and field and changes nothing; a good file is
written all at once or not at all. Exports keep ID numbers masked."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from community_brain.core import importing
from community_brain.core.models import ImportJob
from community_brain.places.models import Household, Residency, Resident, Shop
from community_brain.testing import make_id_number

HEADER = [
    "小区",
    "楼栋",
    "单元",
    "房号",
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "手机号",
    "与户主关系",
    "人口类型",
    "标签",
]


def _xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _start(world, content, name="居民.xlsx", kind="places.residents", user="staff"):
    upload = SimpleUploadedFile(name, content)
    job = importing.start(by=world.users[user], kind=kind, upload=upload)
    importing.validate_job(job.pk)
    job.refresh_from_db()
    return job


def _counts():
    return (Household.objects.count(), Resident.objects.count(), Residency.objects.count())


GOOD = [
    [
        "甲小区",
        "1",
        "2",
        "502",
        "张三丰",
        "男",
        "",
        make_id_number("19500101", 201),
        "13953300011",
        "户主",
        "户籍",
        "独居老人",
    ],
    [
        "甲小区",
        "2号楼",
        "1",
        "601",
        "刘美",
        "",
        "",
        make_id_number("19880202", 202),
        "",
        "户主",
        "常住",
        "",
    ],
    ["甲小区", "2号楼", "1", "601", "刘小宝", "男", "2020-05-05", "", "", "儿子", "", "儿童"],
]


def test_bad_rows_are_each_named_and_nothing_changes(world):
    before = _counts()
    bad = [
        ["丙小区", "1", "1", "101", "无名", "男", "", "", "", "户主", "", ""],  # compound
        ["甲小区", "9", "1", "101", "张某", "男", "", "", "", "户主", "", ""],  # building
        ["甲小区", "1", "1", "101", "王某", "男", "", "370322195001010000", "", "户主", "", ""],
        ["甲小区", "1", "1", "101", "李某", "雄", "", "", "", "户主", "", ""],  # gender
        ["甲小区", "1", "1", "101", "赵某", "男", "", "", "123", "叔叔", "", "超人"],
        GOOD[0],
        [*GOOD[0][:4], "张三丰二号", "男", "", GOOD[0][7], "", "配偶", "", ""],  # dup in file
        [
            "甲小区",
            "1",
            "1",
            "101",
            "王某某",
            "男",
            "",
            world.residents["b1-head"].id_number,
            "",
            "户主",
            "",
            "",
        ],  # already registered
    ]
    job = _start(world, _xlsx(bad))
    assert job.status == ImportJob.Status.INVALID
    found = {(e["row"], e["field"]) for e in job.errors}
    assert {
        (2, "compound"),
        (3, "building"),
        (4, "id_number"),
        (5, "gender"),
        (6, "phone"),
        (6, "relation"),
        (6, "tags"),
        (8, "id_number"),
        (9, "id_number"),
    } <= found
    assert all(e["row"] != 7 for e in job.errors)
    assert job.error_count == len(job.errors)
    assert _counts() == before
    from community_brain.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        importing.confirm(by=world.users["staff"], job=job)
    assert "__all__" in exc.value.field_errors


def test_a_good_file_imports_with_households_heads_and_tags(world):
    before = _counts()
    job = _start(world, _xlsx(GOOD))
    assert job.status == ImportJob.Status.VALID, job.errors
    assert job.processed_rows == job.total_rows == 3
    assert _counts() == before  # the dry run wrote nothing
    importing.commit_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.summary["created_residents"] == 3 and job.summary["created_households"] == 2
    liu = Resident.objects.get(name="刘美")
    assert liu.gender == "F" and liu.birth_date.isoformat() == "1988-02-02"
    assert liu.household.head == liu
    assert Resident.objects.get(name="刘小宝").household == liu.household
    assert list(Resident.objects.get(name="张三丰").tags.values_list("code", flat=True)) == [
        "elderly_alone"
    ]
    assert Resident.objects.get(name="张三丰").residencies.count() == 1


def test_commit_is_all_or_nothing(world, monkeypatch):
    before = _counts()
    job = _start(world, _xlsx(GOOD))

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Residency.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        importing.commit_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert _counts() == before


def test_commit_checks_again(world):
    job = _start(world, _xlsx(GOOD))
    from community_brain.places import services

    services.register_resident(
        by=world.users["staff"],
        household=world.households["b1"],
        data={"name": "抢先者", "relation": "other", "id_number": GOOD[0][7]},
    )
    before = _counts()
    importing.commit_job(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["field"] == "id_number"
    assert _counts() == before


def test_gbk_csv_and_english_headers(world):
    text = "Compound,Building,Unit,Room,Name,Gender,Relation\n甲小区,1,1,202,陈红,女,户主\n"
    job = _start(world, text.encode("gb18030"), name="residents.csv")
    assert job.status == ImportJob.Status.VALID, job.errors
    importing.commit_job(job.pk)
    assert Resident.objects.filter(name="陈红").exists()


def test_missing_columns_and_wrong_files_are_explained(world):
    job = _start(world, _xlsx([["甲小区"]], header=["小区"]))
    assert job.status == ImportJob.Status.INVALID
    assert "姓名" in job.errors[0]["message"]
    job = _start(world, b"not a workbook", name="x.xlsx")
    assert "xlsx" in job.errors[0]["message"]
    from community_brain.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        importing.start(
            by=world.users["staff"],
            kind="places.residents",
            upload=SimpleUploadedFile("x.pdf", b"%PDF"),
        )


def test_only_staff_may_import(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        importing.start(
            by=world.users["grid"],
            kind="places.residents",
            upload=SimpleUploadedFile("x.xlsx", _xlsx(GOOD)),
        )


def test_shops_import(world):
    rows = [
        ["新店一号", "零售", "", "孙", "13953300099", "乙小区", "G-b1", "", "", "", "2020-01-01"],
        ["新店二号", "飞行", "", "", "", "", "", "", "", "", ""],
    ]
    header = [
        "名称",
        "行业",
        "统一社会信用代码",
        "联系人",
        "联系电话",
        "小区",
        "网格",
        "地址",
        "经度",
        "纬度",
        "开业日期",
    ]
    job = _start(world, _xlsx(rows, header), kind="places.shops")
    assert job.status == ImportJob.Status.INVALID
    assert [(e["row"], e["field"]) for e in job.errors] == [(3, "trade")]
    job = _start(world, _xlsx(rows[:1], header), kind="places.shops")
    importing.commit_job(job.pk)
    assert Shop.objects.get(name="新店一号").grid.code == "G-b1"


def test_upload_page_checks_in_the_background_and_shows_progress(
    world, login, django_capture_on_commit_callbacks
):
    client = login(world.users["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/",
            {"kind": "places.residents", "file": SimpleUploadedFile("r.xlsx", _xlsx(GOOD))},
        )
    job = ImportJob.objects.latest("id")
    assert response["Location"] == f"/imports/{job.pk}/"
    page = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'role="progressbar"' in page and "100%" in page
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post(f"/imports/{job.pk}/confirm/")
    # until the worker takes it, the page says "importing" and keeps polling
    page = client.get(f"/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" in page
    job.refresh_from_db()
    assert job.status == ImportJob.Status.IMPORTING
    for callback in queued:
        callback()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE


def test_template_download(world, login):
    response = login(world.users["staff"]).get("/imports/template/places.residents.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:4] == ["小区*", "楼栋*", "单元*", "房号*"]
    assert "说明" in book.sheetnames


def test_export_keeps_id_numbers_masked(world, login):
    response = login(world.users["staff"]).get(
        f"/register/residents/export.xlsx?compound={world.compounds['a'].pk}"
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "住址" and len(rows) == 1 + 4
    dump = repr(rows)
    assert world.residents["a1-head"].masked_id_number in dump
    assert world.residents["a1-head"].id_number not in dump
    assert login(world.users["grid"]).get("/register/residents/export.xlsx").status_code == 403
