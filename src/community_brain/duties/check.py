"""回头看: compare the county's lists with a provincial catalogue snapshot.

Items are matched by code. A catalogue code the county lacks is **new** (a claim task goes to
the department most likely to hold it); a county item in force whose code the catalogue lacks
is **cancelled** there (the department must apply to cancel it); an item on both whose name,
type or legal basis differ is **changed** — the fields that must be the same at province,
city and county ("三级四同"). Text is compared after folding whitespace and full-width
punctuation, so a stray space or a "（" for "(" is not a difference.

One pass over two dictionaries: a 6,000-item catalogue is checked in well under a second
(``BENCH catalogue_diff_6k``)."""

from __future__ import annotations

import time
import unicodedata

from django.db import transaction
from django.utils import timezone

from community_brain.accounts.models import Organisation
from community_brain.accounts.roles import OrganisationKind
from community_brain.duties.choices import ClaimStatus, FindingKind, ItemStatus
from community_brain.duties.models import (
    CatalogueEntry,
    CatalogueSnapshot,
    CheckRun,
    ClaimTask,
    DutyItem,
    Finding,
)

COMPARED = ("name", "type", "basis")


def fold(text: str) -> str:
    """Text as compared: NFKC (full-width to half-width), whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def latest_snapshot() -> CatalogueSnapshot | None:
    return CatalogueSnapshot.objects.order_by("-taken_on", "-id").first()


@transaction.atomic
def run_check(snapshot: CatalogueSnapshot | None = None, *, trigger: str = "manual") -> CheckRun:
    started = time.perf_counter()
    snapshot = snapshot or latest_snapshot()
    if snapshot is None:
        raise ValueError("no provincial catalogue has been imported yet")
    entries = {
        e["code"]: e
        for e in CatalogueEntry.objects.filter(snapshot=snapshot).values(
            "id", "code", "name", "type", "basis", "department_name"
        )
    }
    items = {
        i["code"]: i
        for i in DutyItem.objects.values("id", "code", "name", "type", "basis", "status")
    }
    run = CheckRun.objects.create(snapshot=snapshot, trigger=trigger)
    findings, new_entries = [], []
    for code, entry in entries.items():
        item = items.get(code)
        if item is None or item["status"] != ItemStatus.ACTIVE:
            findings.append(Finding(run=run, kind=FindingKind.NEW, code=code, entry_id=entry["id"]))
            new_entries.append(entry)
            continue
        differences = {
            field: [item[field], entry[field]]
            for field in COMPARED
            if fold(item[field]) != fold(entry[field])
        }
        if differences:
            findings.append(
                Finding(
                    run=run,
                    kind=FindingKind.CHANGED,
                    code=code,
                    entry_id=entry["id"],
                    item_id=item["id"],
                    differences=differences,
                )
            )
    for code, item in items.items():
        if item["status"] == ItemStatus.ACTIVE and code not in entries:
            findings.append(
                Finding(run=run, kind=FindingKind.CANCELLED, code=code, item_id=item["id"])
            )
    Finding.objects.bulk_create(findings, batch_size=2000)
    _open_claims(new_entries)
    run.new_count = sum(f.kind == FindingKind.NEW for f in findings)
    run.cancelled_count = sum(f.kind == FindingKind.CANCELLED for f in findings)
    run.changed_count = sum(f.kind == FindingKind.CHANGED for f in findings)
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["new_count", "cancelled_count", "changed_count", "seconds"])
    return run


def _open_claims(entries: list[dict]) -> int:
    """A claim task per new catalogue item, unless one is open or was declined with reasons
    (those stay as they are until the office reopens them)."""
    if not entries:
        return 0
    settled = set(
        ClaimTask.objects.filter(
            code__in=[e["code"] for e in entries],
            status__in=[ClaimStatus.OPEN, ClaimStatus.DECLINED],
        ).values_list("code", flat=True)
    )
    guess = _department_guesser()
    tasks = [
        ClaimTask(code=e["code"], entry_id=e["id"], department_id=guess(e["department_name"]))
        for e in entries
        if e["code"] not in settled
    ]
    ClaimTask.objects.bulk_create(tasks, batch_size=2000)
    return len(tasks)


def _department_guesser():
    """The department a catalogue item names: by its exact name, else the one whose name
    holds (or is held by) it; None when nothing fits — the office then assigns it."""
    departments = list(
        Organisation.objects.filter(
            kind=OrganisationKind.GOVERNMENT_DEPARTMENT, is_active=True
        ).values_list("pk", "name")
    )
    exact = {fold(name): pk for pk, name in departments}
    memo: dict[str, int | None] = {}

    def guess(name: str) -> int | None:
        key = fold(name)
        if not key:
            return None
        if key not in memo:
            found = exact.get(key)
            if found is None:
                near = [pk for pk, n in departments if fold(n) in key or key in fold(n)]
                found = near[0] if len(near) == 1 else None
            memo[key] = found
        return memo[key]

    return guess


def scheduled_check() -> CheckRun | None:
    """The twice-weekly run (Monday and Thursday; the worker calls it every morning)."""
    if timezone.localdate().weekday() not in (0, 3) or latest_snapshot() is None:
        return None
    return run_check(trigger="schedule")
