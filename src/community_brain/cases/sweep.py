"""The deadline sweep, run every minute by the worker: cases whose time is 80 % used get a
reminder; cases past their deadline are marked overdue and escalated — first to the
responsible organisation's leader, then, after more working days, to the community
secretary. Safe to run on several workers at once: each step is a conditional update, and
notices carry idempotency keys."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from community_brain.cases import notices, sla
from community_brain.cases.choices import CLOCK_STATUSES, EventKind
from community_brain.cases.models import Case
from community_brain.cases.services.common import event
from community_brain.core import workdays

DUE_SOON_FRACTION = 0.8
SECOND_LEVEL_AFTER_WORKDAYS = 2


def sweep(at: datetime | None = None) -> dict:
    at = at or timezone.now()
    counts = {"due_soon": 0, "overdue": 0, "escalated": 0}
    running = Case.objects.filter(
        status__in=CLOCK_STATUSES, paused_at__isnull=True, resolve_by__isnull=False
    )
    for case in (
        running.filter(is_overdue=False, resolve_by__gt=at)
        .only("id", "reported_at", "resolve_by", "paused_at", "escalation_level")
        .iterator()
    ):
        if case.escalation_level == 0 and sla.used_fraction(case, at) >= DUE_SOON_FRACTION:
            counts["due_soon"] += _due_soon(case.pk)
    for case_id in running.filter(is_overdue=False, resolve_by__lte=at).values_list(
        "id", flat=True
    ):
        counts["overdue"] += _overdue(case_id, at)
    today = timezone.localtime(at).date()
    for case in (
        running.filter(is_overdue=True, escalation_level=1).only("id", "resolve_by").iterator()
    ):
        late = workdays.workdays_between(timezone.localtime(case.resolve_by).date(), today)
        if late >= SECOND_LEVEL_AFTER_WORKDAYS:
            counts["escalated"] += _escalate(case.pk, 2, at)
    return counts


@transaction.atomic
def _due_soon(case_id: int) -> int:
    # escalation_level -1 would be odd; a separate marker is the notice's idempotency key.
    case = Case.objects.select_related("organisation", "community").get(pk=case_id)
    notices.due_soon(case)
    return 1


@transaction.atomic
def _overdue(case_id: int, at) -> int:
    claimed = Case.objects.filter(pk=case_id, is_overdue=False).update(
        is_overdue=True, escalation_level=1
    )
    if not claimed:
        return 0
    case = Case.objects.select_related("organisation", "community").get(pk=case_id)
    event(
        case,
        EventKind.OVERDUE,
        None,
        public=False,
        at=at,
        data={"resolve_by": case.resolve_by.isoformat()},
    )
    notices.overdue(case, 1)
    return 1


@transaction.atomic
def _escalate(case_id: int, level: int, at) -> int:
    claimed = Case.objects.filter(pk=case_id, escalation_level=level - 1).update(
        escalation_level=level
    )
    if not claimed:
        return 0
    case = Case.objects.select_related("organisation", "community").get(pk=case_id)
    event(case, EventKind.ESCALATED, None, public=False, at=at, data={"level": level})
    notices.overdue(case, level)
    return 1
