"""Numbers of findings, notices and certificates: per project, kind and year, without gaps
in a committed sequence (the counter row is locked until the caller's transaction ends)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from community_brain.inspections.models import Counter

FORMATS = {
    "finding": "{route}-{year}-{n:04d}",
    "notice": "{prefix}-{year}-{n:03d}",
    "certificate": "{route}-ZZ-{year}-{n:02d}",
}


def next_number(project, kind: str, year: int) -> str:
    """Call inside the transaction that uses the number."""
    try:
        with transaction.atomic():
            Counter.objects.get_or_create(project=project, kind=kind, year=year)
    except IntegrityError:  # created meanwhile by another transaction
        pass
    counter = Counter.objects.select_for_update().get(project=project, kind=kind, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return FORMATS[kind].format(
        route=project.route_code, prefix=project.notice_prefix, year=year, n=counter.last
    )
