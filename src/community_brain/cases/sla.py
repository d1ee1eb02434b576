"""Service levels: when a case must be answered and solved, pausing the clock, more time.

Response is counted in calendar hours (an emergency does not wait for Monday); resolution in
working days after the day of the report, China's holidays and swapped working weekends
honoured (``core.workdays``). A deadline that runs into a year whose official schedule is not
entered yet is computed with weekends only and flagged for review — never an error.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from community_brain.core import workdays


def local_date(moment: datetime):
    return timezone.localtime(moment).date()


def initial_deadlines(case) -> None:
    category = case.category
    case.respond_by = case.reported_at + timedelta(hours=category.respond_hours)
    deadline = workdays.deadline_after(case.reported_at, category.resolve_workdays)
    case.resolve_by = deadline.at
    case.deadline_needs_review = deadline.needs_review


def pause(case, at: datetime) -> None:
    case.paused_at = at


def resume(case, at: datetime) -> int:
    """Restart the clock; the deadline moves by the working days the clock stood still."""
    paused_from = case.paused_at
    case.paused_at = None
    if paused_from is None or case.resolve_by is None:
        return 0
    moved = workdays.extend_deadline(case.resolve_by, paused_from, at)
    shift = workdays.workdays_between(local_date(paused_from), local_date(at))
    case.resolve_by = moved.at
    case.deadline_needs_review = case.deadline_needs_review or moved.needs_review
    return shift


def extend(case, days: int) -> None:
    """Grant more working days on top of the current deadline."""
    base = case.resolve_by
    local = local_date(base)
    new_day = workdays.add_workdays(local, days)
    case.resolve_by = base + (
        datetime.combine(new_day, datetime.min.time())
        - datetime.combine(local, datetime.min.time())
    )
    case.extended_workdays += days
    year = new_day.year
    if not workdays.is_known_year(year):
        case.deadline_needs_review = True


def used_fraction(case, now: datetime) -> float:
    """How much of the resolution time has gone (0 … 1+), counting calendar time."""
    if case.resolve_by is None:
        return 0.0
    total = (case.resolve_by - case.reported_at).total_seconds()
    if total <= 0:
        return 1.0
    reference = case.paused_at or now
    return (reference - case.reported_at).total_seconds() / total
