"""BENCH import_residents_10k: a 10,000-row residents workbook through the whole import — the
dry run (every row checked with the register's rules, ID numbers checked against the register)
and the all-or-nothing commit. Baseline: the same workbook read and bulk-inserted with no
checks at all."""

from __future__ import annotations

import io
import random
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

ROWS = 10_000


def _workbook(rng) -> tuple[bytes, list]:
    from community_brain.core.identifiers import id_check_digit
    from community_brain.demo.names import person_name
    from community_brain.places.models import Building

    buildings = list(Building.objects.select_related("compound").order_by("id"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民")
    sheet.append(
        ["小区", "楼栋", "单元", "房号", "姓名", "性别", "身份证号", "手机号", "与户主关系", "标签"]
    )
    rows, used = [], set()
    for i in range(ROWS):
        b = buildings[i % len(buildings)]
        room = f"{90 + i // (len(buildings) * 40)}{(i // len(buildings)) % 40:02d}"
        gender = "男" if i % 2 else "女"
        year = rng.randint(1940, 2020)
        while True:
            first = (
                f"370303{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
                f"{rng.randrange(500) * 2 + (i % 2):03d}"
            )
            if first not in used:
                used.add(first)
                break
        row = [
            b.compound.name,
            str(b.number),
            "1",
            room,
            person_name(rng, "M" if i % 2 else "F", year),
            gender,
            first + id_check_digit(first),
            f"150{rng.randrange(10**8):08d}",
            "户主" if i % 3 == 0 else "子女",
            "志愿者" if i % 17 == 0 else "",
        ]
        sheet.append(row)
        rows.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), rows


def _baseline(content: bytes) -> float:
    """Read the workbook and bulk-insert bare residents: no checks, no households."""
    from openpyxl import load_workbook

    from community_brain.places.models import Community, Resident

    community = Community.objects.get(code="QC")
    started = time.perf_counter()
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    objs = [
        Resident(
            community=community, name=r[4], gender="M", id_number=r[6], phone=r[7], relation="other"
        )
        for r in sheet.iter_rows(min_row=2, values_only=True)
    ]
    Resident.objects.bulk_create(objs, batch_size=1000)
    elapsed = time.perf_counter() - started
    Resident.objects.filter(pk__in=[o.pk for o in objs]).delete()
    return elapsed


def run() -> None:
    from community_brain.accounts.models import User
    from community_brain.core import importing
    from community_brain.core.models import ImportJob
    from community_brain.demo import register
    from community_brain.places.models import Resident

    register.seed()
    content, _rows = _workbook(random.Random(7))
    staff = User.objects.get(username="staff")
    before = Resident.objects.count()

    baseline = _baseline(content)

    started = time.perf_counter()
    job = importing.start(
        by=staff, kind="places.residents", upload=SimpleUploadedFile("10k.xlsx", content)
    )
    importing.validate_job(job.pk)
    checked = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALID, job.errors[:5]
    importing.commit_job(job.pk)
    total = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Resident.objects.count() == before + ROWS

    print(f"BENCH import_residents_10k_check {checked:.2f} s", flush=True)
    print(f"BENCH import_residents_10k {total:.2f} s ratio={total / baseline:.2f}", flush=True)
    print(f"BENCH import_residents_baseline_10k {baseline:.2f} s", flush=True)
