"""Read side of the lists for the internal pages: items in force per department and type,
and the changes (versions) per month."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from community_brain.duties.choices import ItemType
from community_brain.duties.models import DutyItem, ItemVersion


def department_by_type() -> dict:
    """Rows of (department, {type: n}, total), largest first, and the column totals."""
    cells = (
        DutyItem.objects.active()
        .values("department_id", "department__name", "type")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows: dict[int, dict] = {}
    for cell in cells:
        row = rows.setdefault(
            cell["department_id"],
            {"name": cell["department__name"], "counts": dict.fromkeys(ItemType.values, 0)},
        )
        row["counts"][cell["type"]] = cell["n"]
    table = sorted(
        (
            {**row, "total": sum(row["counts"].values()), "cells": list(row["counts"].values())}
            for row in rows.values()
        ),
        key=lambda r: -r["total"],
    )
    totals = [sum(r["counts"][t] for r in table) for t in ItemType.values]
    return {"rows": table, "totals": totals, "total": sum(totals)}


def changes_per_month(months: int = 12) -> list[dict]:
    since = timezone.now() - timedelta(days=31 * months)
    rows = (
        ItemVersion.objects.filter(valid_from__gte=since)
        .annotate(month=TruncMonth("valid_from"))
        .values("month", "change")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    out: dict = {}
    for r in rows:
        out.setdefault(r["month"], {"month": f"{r['month']:%Y-%m}"})[r["change"]] = r["n"]
    return list(out.values())
