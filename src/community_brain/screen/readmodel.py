"""Keeps ``CaseMonth`` true: ``refresh(months)`` recomputes the given months from the cases
in one grouped query each, replacing their rows in one transaction. The worker refreshes the
current and the previous month every minute and every month once a night (cases of older
months still change: a reopened case, a late rating)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from community_brain.cases.models import Case
from community_brain.cases.queries import FIGURES
from community_brain.screen.models import CaseMonth


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _start(month: date) -> datetime:
    return timezone.make_aware(datetime.combine(month, time.min))


def refresh(months) -> int:
    """Recompute these months (dates, any day of the month); returns the rows written."""
    written = 0
    now = timezone.now()
    for month in sorted({month_of(m) for m in months}):
        rows = (
            Case.objects.filter(
                reported_at__gte=_start(month), reported_at__lt=_start(next_month(month))
            )
            .order_by()
            .annotate(top=Coalesce("category__parent_id", "category_id"))
            .values("community_id", "top", "compound_id")
            .annotate(**FIGURES)
        )
        objs = [
            CaseMonth(
                community_id=r["community_id"],
                month=month,
                category_id=r["top"],
                compound_id=r["compound_id"],
                refreshed_at=now,
                **{name: r[name] for name in FIGURES},
            )
            for r in rows
        ]
        with transaction.atomic():
            CaseMonth.objects.filter(month=month).delete()
            CaseMonth.objects.bulk_create(objs)
        written += len(objs)
    return written


def refresh_recent() -> int:
    """The current and the previous month (every minute)."""
    this = month_of(timezone.localdate())
    return refresh([month_of(this - timedelta(days=1)), this])


def rebuild() -> int:
    """Every month since the first case (nightly, after seeding, after an import)."""
    first = Case.objects.aggregate(first=Min("reported_at"))["first"]
    if first is None:
        CaseMonth.objects.all().delete()
        return 0
    month, last = month_of(timezone.localtime(first).date()), month_of(timezone.localdate())
    months = []
    while month <= last:
        months.append(month)
        month = next_month(month)
    CaseMonth.objects.exclude(month__in=months).delete()
    return refresh(months)
