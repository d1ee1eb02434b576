"""The office's audits of the lists (审核), and the cases they open in the ledger.

Two audits, both read-only until ``run_audits`` writes:

- **completeness** — every item in force needs at least one responsibility entry (责任事项),
  at least one accountability case (追责情形) and a legal basis (设定依据);
- **peer comparison** — a department's count of items in force is compared with its peers
  at the same level (同级): the county's government departments that keep a list. A count
  below half the median or above twice the median is flagged; so is holding no item of a
  type that more than half of the peers hold. With fewer than ``MIN_PEERS`` departments
  there is no meaningful median and the comparison says nothing.

``run_audits`` opens **one case per department with findings** (not one per item) through
the case ledger's intake, routed straight to the department, in the category "list-audit".
The case's ``client_token`` is the department and the audit day, so a second run on the same
day opens nothing new; its ``external_ref`` is ``duties-audit:<department id>``."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.accounts.models import Organisation
from community_brain.accounts.roles import OrganisationKind
from community_brain.core import audit
from community_brain.duties import permissions
from community_brain.duties.choices import ItemType
from community_brain.duties.models import Accountability, DutyItem, Responsibility

MIN_PEERS = 3  # fewer departments than this: no peer comparison
LOW, HIGH = 0.5, 2.0  # flagged below LOW × median or above HIGH × median
MOST = 0.5  # "most peers": more than this share of departments hold the type
CATEGORY_CODE = "list-audit"
CATEGORY_NAME = "权责清单审核"  # a data row, shown as entered
DESCRIPTION_LIMIT = 3900  # the case's description holds 4,000 characters


@dataclass
class DepartmentFindings:
    """What the audits found in one department's list, one sentence per finding."""

    department_id: int
    name: str
    lines: list[str] = field(default_factory=list)


def _missing_labels(row) -> list[str]:
    labels = []
    if not row["has_responsibility"]:
        labels.append(_("no responsibility entry"))
    if not row["has_accountability"]:
        labels.append(_("no accountability case"))
    if not (row["basis"] or "").strip():
        labels.append(_("no legal basis"))
    return labels


def completeness() -> list[dict]:
    """Items in force missing a part, per department: ``[{department_id, name, items:
    [{code, name, missing: [label, …]}]}]``, departments by name (code point order, the same
    on every database), items by code. One query."""
    rows = (
        DutyItem.objects.active()
        .annotate(
            has_responsibility=Exists(Responsibility.objects.filter(item_id=OuterRef("pk"))),
            has_accountability=Exists(Accountability.objects.filter(item_id=OuterRef("pk"))),
        )
        .filter(
            Q(has_responsibility=False) | Q(has_accountability=False) | Q(basis__regex=r"^\s*$")
        )
        .values(
            "code",
            "name",
            "basis",
            "department_id",
            "department__name",
            "has_responsibility",
            "has_accountability",
        )
        .order_by("code")
    )
    out: dict[int, dict] = {}
    for row in rows:
        dept = out.setdefault(
            row["department_id"],
            {"department_id": row["department_id"], "name": row["department__name"], "items": []},
        )
        dept["items"].append(
            {"code": row["code"], "name": row["name"], "missing": _missing_labels(row)}
        )
    return sorted(out.values(), key=lambda d: d["name"])


def peer_departments():
    """The peers at the same level: active government departments that keep a list (hold
    at least one item, in force or cancelled)."""
    return Organisation.objects.filter(
        kind=OrganisationKind.GOVERNMENT_DEPARTMENT,
        is_active=True,
        pk__in=DutyItem.objects.values("department_id"),
    ).order_by("name")


def peer_comparison() -> dict:
    """Each peer's count of items in force and per type, the median, and the flags:
    ``{"median", "low", "high", "departments": [{department_id, name, total, counts,
    flag, missing_types: [(type, label)]}], "common_types": [(type, label)],
    "enough": bool}``."""
    depts = list(peer_departments().values("id", "name"))
    counts = {d["id"]: dict.fromkeys(ItemType.values, 0) for d in depts}
    cells = (
        DutyItem.objects.active()
        .filter(department_id__in=counts)
        .values("department_id", "type")
        .annotate(n=Count("id"))
        .order_by()
    )
    for cell in cells:
        counts[cell["department_id"]][cell["type"]] = cell["n"]
    totals = {pk: sum(c.values()) for pk, c in counts.items()}
    enough = len(depts) >= MIN_PEERS
    median = statistics.median(totals.values()) if totals else 0
    labels = dict(ItemType.choices)
    common = [
        t for t in ItemType.values if sum(1 for c in counts.values() if c[t]) > MOST * len(depts)
    ]
    rows = []
    for d in depts:
        total, flag = totals[d["id"]], ""
        if enough and total < LOW * median:
            flag = "low"
        elif enough and total > HIGH * median:
            flag = "high"
        missing = [(t, labels[t]) for t in common if enough and not counts[d["id"]][t]]
        rows.append(
            {
                "department_id": d["id"],
                "name": d["name"],
                "total": total,
                "counts": counts[d["id"]],
                "cells": [counts[d["id"]][t] for t in ItemType.values],
                "flag": flag,
                "missing_types": missing,
            }
        )
    return {
        "median": median,
        "low": LOW * median,
        "high": HIGH * median,
        "departments": rows,
        "common_types": [(t, labels[t]) for t in common],
        "enough": enough,
    }


def findings() -> list[DepartmentFindings]:
    """Both audits' findings, gathered per department (departments by name)."""
    by_dept: dict[int, DepartmentFindings] = {}

    def dept(pk, name) -> DepartmentFindings:
        return by_dept.setdefault(pk, DepartmentFindings(department_id=pk, name=name))

    peers = peer_comparison()
    median = peers["median"]
    for row in peers["departments"]:
        if row["flag"] == "low":
            dept(row["department_id"], row["name"]).lines.append(
                _("%(n)s items in force, fewer than half the peers' median of %(median)s.")
                % {"n": row["total"], "median": median}
            )
        elif row["flag"] == "high":
            dept(row["department_id"], row["name"]).lines.append(
                _("%(n)s items in force, more than twice the peers' median of %(median)s.")
                % {"n": row["total"], "median": median}
            )
        for _type, label in row["missing_types"]:
            dept(row["department_id"], row["name"]).lines.append(
                _("No item of the type “%(type)s”, which most peers hold.") % {"type": label}
            )
    for group in completeness():
        target = dept(group["department_id"], group["name"])
        for item in group["items"]:
            target.lines.append(
                _("%(code)s %(name)s: %(missing)s.")
                % {
                    "code": item["code"],
                    "name": item["name"],
                    "missing": "、".join(item["missing"]),
                }
            )
    return sorted((f for f in by_dept.values() if f.lines), key=lambda f: f.name)


def describe(lines: list[str], limit: int = DESCRIPTION_LIMIT) -> str:
    """The findings one per line, cut at ``limit`` characters with "…and N more"."""
    kept, size = [], 0
    for n, line in enumerate(lines):
        if size + len(line) + 1 > limit:
            kept.append(_("…and %(n)s more") % {"n": len(lines) - n})
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def audit_category():
    """The ledger's category for list audits, created the first time it is needed."""
    from community_brain.cases.models import Category

    category, _created = Category.objects.get_or_create(
        code=CATEGORY_CODE,
        defaults={
            "name": CATEGORY_NAME,
            "description": "权责清单审核（完整性、同级比对）发现的问题，每个部门一件。",
            "respond_hours": 24,
            "resolve_workdays": 10,
            "for_public": False,
        },
    )
    return category


@dataclass
class AuditRun:
    """What ``run_audits`` did: the cases of the departments with findings, and how many
    of them this run opened (the rest were opened earlier the same day)."""

    cases: list = field(default_factory=list)
    opened: int = 0


@transaction.atomic
def run_audits(*, by, day=None) -> AuditRun:
    """Audit the lists and open one case per department with findings, routed to it.
    Only the office may run it. Idempotent per department and day."""
    from community_brain.cases.choices import Source
    from community_brain.cases.models import Case
    from community_brain.cases.services.intake import report

    if not permissions.is_office(by):
        raise PermissionDenied("for the establishment office")
    day = day or timezone.localdate()
    category = audit_category()
    found = findings()
    tokens = {f.department_id: f"audit:{f.department_id}:{day.isoformat()}" for f in found}
    known = set(
        Case.objects.filter(source=Source.LIST_AUDIT, client_token__in=tokens.values()).values_list(
            "client_token", flat=True
        )
    )
    departments = Organisation.objects.in_bulk([f.department_id for f in found])
    result = AuditRun()
    for f in found:
        case = report(
            by=by,
            data={
                "title": (
                    _("List audit %(day)s: %(department)s")
                    % {"day": day.isoformat(), "department": f.name}
                )[:120],
                "category": category.pk,
                "address": f.name,
                "description": describe(f.lines),
            },
            source=Source.LIST_AUDIT,
            route_to=departments[f.department_id],
            client_token=tokens[f.department_id],
            external_ref=f"duties-audit:{f.department_id}",
        )
        result.cases.append(case)
        result.opened += tokens[f.department_id] not in known
    audit.record(
        "duty.audited",
        None,
        actor=by,
        summary=f"{len(found)} departments with findings, {result.opened} cases opened",
        data={"day": day.isoformat(), "cases": [c.code for c in result.cases]},
    )
    return result
