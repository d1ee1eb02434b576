"""BENCH catalogue_diff_6k: the 回头看 check of a 6,000-item provincial catalogue against
county lists of 6,000 items (45 departments), with 60 new, 30 gone and 120 changed items:
findings written and claim tasks opened. Baseline: reading the two lists alone."""

from __future__ import annotations

import random
import time

N = 6_000
DEPARTMENTS = 45


def _county():
    from community_brain.accounts.models import Organisation
    from community_brain.accounts.roles import OrganisationKind
    from community_brain.duties.choices import ItemType
    from community_brain.duties.models import DutyItem

    departments = [
        Organisation.objects.get_or_create(
            code=f"bench-dept-{n}",
            defaults={"name": f"压测部门{n:02d}", "kind": OrganisationKind.GOVERNMENT_DEPARTMENT},
        )[0]
        for n in range(DEPARTMENTS)
    ]
    types = ItemType.values
    rng = random.Random(6000)
    DutyItem.objects.bulk_create(
        [
            DutyItem(
                code=f"B{n:06d}",
                department=departments[n % DEPARTMENTS],
                name=f"压测事项{n}：对违反某条例第{n % 90 + 1}条行为的处理",
                type=types[n % len(types)],
                basis=f"《某某条例》第{rng.randint(1, 120)}条",
            )
            for n in range(N)
        ],
        batch_size=2000,
    )
    return departments


def _snapshot(departments):
    from community_brain.duties.models import CatalogueEntry, CatalogueSnapshot, DutyItem

    items = list(
        DutyItem.objects.filter(code__startswith="B").values("code", "name", "type", "basis")
    )
    snap = CatalogueSnapshot.objects.create(taken_on="2026-11-20", entry_count=N)
    entries = []
    for n, item in enumerate(items):
        if n % 200 == 0:  # 30 gone from the catalogue
            continue
        if n % 50 == 1:  # 120 renamed
            item = {**item, "name": item["name"] + "（调整）"}
        entries.append(CatalogueEntry(snapshot=snap, department_name="", **item))
    for n in range(60):  # 60 new, named to a department
        entries.append(
            CatalogueEntry(
                snapshot=snap,
                code=f"N{n:05d}",
                name=f"新增事项{n}",
                type="XK",
                basis="《新法》",
                department_name=departments[n % DEPARTMENTS].name,
            )
        )
    CatalogueEntry.objects.bulk_create(entries, batch_size=2000)
    return snap


def run() -> None:
    from community_brain.duties.check import run_check
    from community_brain.duties.models import CatalogueEntry, DutyItem

    departments = _county()
    snap = _snapshot(departments)
    started = time.perf_counter()
    list(CatalogueEntry.objects.filter(snapshot=snap).values("id", "code", "name", "type", "basis"))
    list(DutyItem.objects.values("id", "code", "name", "type", "basis", "status"))
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    result = run_check(snap, trigger="bench")
    took = time.perf_counter() - started
    assert (result.new_count, result.cancelled_count, result.changed_count) == (60, 30, 120), (
        result.new_count,
        result.cancelled_count,
        result.changed_count,
    )
    print(f"BENCH catalogue_diff_6k {took:.2f} s ratio={took / baseline:.2f}", flush=True)
    print(f"BENCH catalogue_diff_6k_read_baseline {baseline:.2f} s", flush=True)
