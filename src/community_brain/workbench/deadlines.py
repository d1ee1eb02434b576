"""How much time a case has left, in the words the workbenches use: "3 working days left",
"due today", "overdue 2 days". Working days as China counts them (``core.workdays``); days
late in calendar days, as people say them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community_brain.core import workdays


@dataclass(frozen=True)
class TimeLeft:
    text: str
    colour: str  # a badge colour of brain.css: "red", "orange" or ""
    late: bool = False


def local_day(moment: datetime) -> date:
    """The day in Beijing time, whatever zone a request has activated."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max), timezone.get_default_timezone())


def late_q(now: datetime) -> Q:
    """Overdue: marked so by the sweep, or past the deadline with the clock running (the
    sweep runs every minute; a page should not wait for it)."""
    return Q(is_overdue=True) | Q(resolve_by__lt=now, paused_at__isnull=True)


def is_late(case, now: datetime) -> bool:
    return case.is_overdue or (
        case.resolve_by is not None and case.paused_at is None and case.resolve_by < now
    )


def due_soon_until(now: datetime, workdays_ahead: int = 2) -> datetime:
    """The end of the ``workdays_ahead``-th working day after today."""
    return end_of_day(workdays.add_workdays(local_day(now), workdays_ahead))


def time_left(case, now: datetime) -> TimeLeft | None:
    """The remaining time of an open case, or None when it has no deadline."""
    if case.resolve_by is None:
        return None
    if case.paused_at is not None:
        return TimeLeft(_("clock paused"), "")
    today, due = local_day(now), local_day(case.resolve_by)
    if is_late(case, now):
        days = (today - due).days
        if days <= 0:
            return TimeLeft(_("overdue now"), "red", late=True)
        text = ngettext("overdue %(n)s day", "overdue %(n)s days", days) % {"n": days}
        return TimeLeft(text, "red", late=True)
    left = workdays.workdays_between(today, due)
    if left == 0:
        return TimeLeft(_("due today"), "orange")
    text = ngettext("%(n)s working day left", "%(n)s working days left", left) % {"n": left}
    return TimeLeft(text, "orange" if left <= 2 else "")
