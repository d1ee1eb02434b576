"""Supervision of operation (监督运行): the case ledger read against the lists, per period.

**How a case is linked to items.** A case whose ``external_ref`` is ``duty:<code>`` (e.g.
``duty:XK0001``, set by whoever files it — the 12345 bridge, a clerk) is linked to that item
and to nothing else. Any other case is linked to every item whose code appears in its title
or description as a whole token, in upper or lower case (a token: ASCII letters, digits and
hyphens; "事项XK0001办理" holds ``XK0001``, "XK00012" does not). The list audits' own cases
are left out.

What a period shows:

- **unclear divisions of duty** (职责边界不清) — cases transferred or returned twice or more
  (``bounce_count >= 2``); cases handled by (or routed to) a department on the lists that
  match no item; cases matching items of several departments;
- **slow items** — for items with a promised time limit, the handling time of their linked
  resolved cases in working days (``core.workdays``, the day of the report not counted),
  its median (p50) and p90 (nearest rank) against the promised limit;
- **hot items** — the items with the most complaints (request type "complaint"), top 20.

One pass over the period's cases, read as ``values()`` in chunks: no query per case. The
period filter comes first, on ``reported_at``'s index."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from community_brain.cases.choices import RequestType, Source
from community_brain.cases.models import Case
from community_brain.core.workdays import workdays_between
from community_brain.duties.models import DutyItem

DUTY_REF = "duty:"
TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?")
BOUNCES = 2  # transfers and returns that make a division of duty unclear
HOT_TOP = 20
LIST_LIMIT = 100  # cases shown per list (the counts are complete)
DEFAULT_DAYS = 30
FIELDS = (
    "id",
    "code",
    "title",
    "description",
    "external_ref",
    "bounce_count",
    "request_type",
    "reported_at",
    "resolved_at",
    "organisation_id",
    "organisation__name",
    "routed_to_id",
)


def period(params) -> tuple[date, date]:
    """``since`` and ``until`` (inclusive, ISO dates) from a query; the last 30 days by
    default; swapped when given the wrong way round."""
    today = timezone.localdate()

    def day(name, default):
        try:
            return date.fromisoformat(params.get(name) or "")
        except ValueError:
            return default

    until = day("until", today)
    since = day("since", until - timedelta(days=DEFAULT_DAYS - 1))
    return (since, until) if since <= until else (until, since)


def item_index() -> dict[str, dict]:
    """Every item ever on the lists (a cancelled code still names its item), by code in
    upper case."""
    rows = DutyItem.objects.values(
        "code", "name", "department_id", "department__name", "promised_days", "status"
    ).order_by()
    return {r["code"].upper(): r for r in rows}


def linked_codes(row: dict, index: dict) -> list[str]:
    """The item codes a case is linked to (see the module's docstring)."""
    ref = row.get("external_ref") or ""
    if ref.lower().startswith(DUTY_REF):
        code = ref[len(DUTY_REF) :].strip().upper()
        return [code] if code in index else []
    found = []
    for text in (row.get("title") or "", row.get("description") or ""):
        for token in TOKEN.findall(text):
            token = token.upper()
            if token in index and token not in found:
                found.append(token)
    return found


def percentile(values: list[int], q: float) -> int | None:
    """Nearest-rank percentile: the smallest value with at least ``q`` of them at or below
    it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def handling_days(reported_at: datetime, resolved_at: datetime) -> int:
    local = timezone.localtime
    return workdays_between(local(reported_at).date(), local(resolved_at).date())


def _case(row: dict, codes: list[str], index: dict) -> dict:
    return {
        "code": row["code"],
        "title": row["title"],
        "organisation": row["organisation__name"] or "",
        "bounces": row["bounce_count"],
        "items": [(c, index[c]["department__name"]) for c in codes],
    }


def supervise(since: date, until: date) -> dict:
    """The period's figures: ``{"since", "until", "cases", "linked", "bounced",
    "unmatched", "several", "slow", "hot"}`` — the three case lists as ``{"count", "rows"}``
    (at most ``LIST_LIMIT`` rows), ``slow`` and ``hot`` as item rows."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=tz)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
    index = item_index()
    list_departments = {r["department_id"] for r in index.values()}
    lists = {name: {"count": 0, "rows": []} for name in ("bounced", "unmatched", "several")}
    times: dict[str, list[int]] = defaultdict(list)
    complaints: Counter = Counter()
    total = linked = 0

    def add(name, row, codes):
        bucket = lists[name]
        bucket["count"] += 1
        if len(bucket["rows"]) < LIST_LIMIT:
            bucket["rows"].append(_case(row, codes, index))

    cases = (
        Case.objects.filter(reported_at__gte=start, reported_at__lt=end)
        .exclude(source=Source.LIST_AUDIT)
        .order_by()
        .values(*FIELDS)
    )
    for row in cases.iterator(chunk_size=2000):
        total += 1
        codes = linked_codes(row, index)
        if row["bounce_count"] >= BOUNCES:
            add("bounced", row, codes)
        if not codes:
            if {row["organisation_id"], row["routed_to_id"]} & list_departments:
                add("unmatched", row, codes)
            continue
        linked += 1
        if len({index[c]["department_id"] for c in codes}) > 1:
            add("several", row, codes)
        for code in codes:
            if row["request_type"] == RequestType.COMPLAINT:
                complaints[code] += 1
            if index[code]["promised_days"] and row["resolved_at"] is not None:
                times[code].append(handling_days(row["reported_at"], row["resolved_at"]))
    for bucket in lists.values():
        bucket["rows"].sort(key=lambda r: (-r["bounces"], r["code"]))
    return {
        "since": since,
        "until": until,
        "cases": total,
        "linked": linked,
        **lists,
        "unclear": [(name, lists[name]) for name in ("bounced", "unmatched", "several")],
        "slow": slow_items(times, index),
        "hot": [
            {**_item(index[code], code), "complaints": n}
            for code, n in complaints.most_common(HOT_TOP)
        ],
    }


def _item(item: dict, code: str) -> dict:
    return {
        "code": item["code"],
        "name": item["name"],
        "department": item["department__name"],
        "promised": item["promised_days"],
    }


def slow_items(times: dict[str, list[int]], index: dict) -> list[dict]:
    """Items with resolved linked cases: p50 and p90 against the promise; those whose p90
    exceeds it first, the worst ratio first."""
    rows = []
    for code, values in times.items():
        row = _item(index[code], code)
        p50, p90 = percentile(values, 0.5), percentile(values, 0.9)
        row.update(cases=len(values), p50=p50, p90=p90, slow=p90 > row["promised"])
        rows.append(row)
    rows.sort(key=lambda r: (not r["slow"], -r["p90"] / r["promised"], r["code"]))
    return rows
