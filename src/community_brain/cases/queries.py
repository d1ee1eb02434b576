"""Read side of the case ledger: the ledger's filters and sorting, and the figures the
community is judged by — response, on-time, resolution and satisfaction rates, complaints —
per compound, category, organisation and period. Every figure is one grouped query."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone

from community_brain.cases.choices import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    Rating,
    RequestType,
    Resolution,
    Status,
)
from community_brain.cases.models import Category

SORTS = {
    "reported": "reported_at",
    "-reported": "-reported_at",
    "deadline": "resolve_by",
    "-deadline": "-resolve_by",
    "code": "code",
    "-code": "-code",
    "status": "status",
}


def _int(value):
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def _day(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def ledger(qs, params) -> tuple:
    """Apply the ledger's filters (also used by the API and the export)."""
    applied = {}
    text = (params.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(code__icontains=text)
            | Q(title__contains=text)
            | Q(address__contains=text)
            | Q(description__contains=text)
        )
        applied["q"] = text
    status = params.get("status") or ""
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status == "ended":
        qs = qs.filter(status__in=FINAL_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if status:
        applied["status"] = status
    for key, lookup in (
        ("compound", "compound_id"),
        ("organisation", "organisation_id"),
        ("grid", "grid_id"),
        ("assignee", "assignee_id"),
    ):
        value = _int(params.get(key))
        if value:
            qs = qs.filter(**{lookup: value})
            applied[key] = value
    category = _int(params.get("category"))
    if category:
        # The ids first: a join with an OR across it cannot use the case indexes.
        subtree = [
            category,
            *Category.objects.filter(parent_id=category).values_list("pk", flat=True),
        ]
        qs = qs.filter(category_id__in=subtree)
        applied["category"] = category
    for key in ("source", "priority", "request_type"):
        value = params.get(key)
        if value:
            qs = qs.filter(**{key: value})
            applied[key] = value
    if params.get("overdue") in ("1", "true", True):
        qs = qs.filter(is_overdue=True, status__in=OPEN_STATUSES)
        applied["overdue"] = True
    if params.get("flagged") in ("1", "true", True):
        qs = qs.filter(flagged=True)
        applied["flagged"] = True
    # Dates are local days, both ends included: reported (since/until), deadline
    # (due_since/due_until, e.g. "due today"), last rating (rated_since/rated_until),
    # resolution (resolved_since/resolved_until, the big screen's "resolved today").
    for field, low, high in (
        ("reported_at", "since", "until"),
        ("resolve_by", "due_since", "due_until"),
        ("rated_at", "rated_since", "rated_until"),
        ("resolved_at", "resolved_since", "resolved_until"),
    ):
        start, end = _day(params.get(low)), _day(params.get(high))
        if start:
            qs = qs.filter(**{f"{field}__gte": _start(start)})
            applied[low] = start.isoformat()
        if end:
            qs = qs.filter(**{f"{field}__lt": _start(end + timedelta(days=1))})
            applied[high] = end.isoformat()
    rating = params.get("rating")
    if rating in Rating.values:  # the latest verdict (a redo rated again replaces it)
        qs = qs.filter(rating=rating)
        applied["rating"] = rating
    sort = params.get("sort") or "-reported"
    qs = qs.order_by(SORTS.get(sort, "-reported_at"), "-id")
    applied["sort"] = sort
    return qs, applied


def ledger_count(qs, params) -> int:
    """How many cases the ledger lists for these parameters (a tile, a screen number)."""
    filtered, _applied = ledger(qs, params)
    return filtered.order_by().count()


def ledger_url(params: dict) -> str:
    """The ledger page filtered by these parameters: where a counted number leads."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{reverse('cases:ledger')}?{urlencode(clean)}" if clean else reverse("cases:ledger")


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


FIGURES = {
    "total": Count("id"),
    "open": Count("id", filter=Q(status__in=OPEN_STATUSES)),
    "responded_on_time": Count("id", filter=Q(responded_on_time=True)),
    "responded": Count("id", filter=Q(responded_at__isnull=False)),
    "resolved": Count("id", filter=Q(resolved_on_time__isnull=False)),
    "resolved_on_time": Count("id", filter=Q(resolved_on_time=True)),
    "ended": Count("id", filter=Q(status__in=[Status.VERIFIED, Status.CLOSED])),
    "fixed": Count(
        "id", filter=Q(status__in=[Status.VERIFIED, Status.CLOSED], resolution=Resolution.FIXED)
    ),
    # Satisfaction counts each case's first verdict (see Case.first_rating).
    "rated": Count("id", filter=~Q(first_rating="")),
    "satisfied": Count("id", filter=Q(first_rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
    "unsatisfied": Count("id", filter=Q(first_rating=Rating.UNSATISFIED)),
    "complaints": Count("id", filter=Q(request_type=RequestType.COMPLAINT)),
    "overdue": Count("id", filter=Q(is_overdue=True, status__in=OPEN_STATUSES)),
    "reopened": Count("id", filter=Q(reopen_count__gt=0)),
}


def with_rates(row: dict) -> dict:
    row = dict(row)
    row["response_rate"] = _rate(row["responded_on_time"], row["responded"])
    row["on_time_rate"] = _rate(row["resolved_on_time"], row["resolved"])
    row["resolution_rate"] = _rate(row["fixed"], row["ended"])
    row["completion_rate"] = _rate(row["ended"], row["total"])
    row["satisfaction_rate"] = _rate(row["satisfied"], row["rated"])
    return row


def figures(qs, by: str | None = None) -> list[dict] | dict:
    """The figures over a queryset, overall or grouped by compound, category (top level),
    organisation, source or month."""
    if by is None:
        return with_rates(qs.aggregate(**FIGURES))
    keys = {
        "compound": ("compound_id", "compound__name"),
        "organisation": ("organisation_id", "organisation__name"),
        "source": ("source", "source"),
        "grid": ("grid_id", "grid__name"),
    }
    if by == "month":
        rows = (
            qs.annotate(month=TruncMonth("reported_at"))
            .values("month")
            .annotate(**FIGURES)
            .order_by("month")
        )
        return [with_rates({**r, "key": r["month"], "label": f"{r['month']:%Y-%m}"}) for r in rows]
    if by == "category":  # the top of the tree (a case may be filed at either level)
        qs = qs.annotate(
            top_id=Coalesce("category__parent_id", "category_id"),
            top_name=Coalesce("category__parent__name", "category__name"),
        )
        keys["category"] = ("top_id", "top_name")
    key, label = keys[by]
    rows = qs.values(key, label).annotate(**FIGURES).order_by(key)
    return [with_rates({**r, "key": r[key], "label": r[label] or "—"}) for r in rows]
