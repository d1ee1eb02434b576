"""Working days (工作日) as China counts them, for case deadlines.

Weekends are off, official public holidays are off, and swapped working weekends (调休上班)
are working days. The schedule comes from ``chinese_calendar`` for the years it knows, and is
overridden date by date by ``WorkCalendarDay`` rows that an administrator enters. A year is
*known* when the library covers it or a ``WorkCalendarYear`` row says its schedule has been
published in full; a year that is not known counts weekends only (plus any rows entered for
it) and deadlines that reach it are flagged ``needs_review`` — never an exception.

Each process keeps a sorted list of every year's working days, built once per year. Saving or
deleting a calendar row clears it here at once and, after commit, bumps a version number in
Django's cache that every other process checks at most once a second.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import logging
import threading
import time as _time
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

log = logging.getLogger(__name__)

VERSION_KEY = "core:workcalendar:version"
CHECK_EVERY = 1.0  # seconds between looks at the shared version number
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class Deadline:
    at: datetime
    needs_review: bool


@dataclass(frozen=True)
class _Year:
    known: bool
    ordinals: tuple[int, ...]  # the year's working days as date ordinals, ascending
    ordinal_set: frozenset[int]


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.years: dict[int, _Year] = {}
        self.generation = 0
        self.seen_version = None
        self.checked_at = float("-inf")


_state = _State()
# Set in a thread that changed the table inside a transaction: until that transaction ends,
# what this thread reads includes uncommitted rows, so it must not be kept in the cache.
_held = threading.local()


# --- public API --------------------------------------------------------------------------------


def is_workday(d: date) -> bool:
    return d.toordinal() in _year(d.year).ordinal_set


def add_workdays(d: date, n: int) -> date:
    """The n-th working day strictly after ``d``; for n = 0, ``d`` if it is a working day,
    else the next working day."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return d if is_workday(d) else add_workdays(d, 1)
    after, year, remaining = d.toordinal(), d.year, n
    while True:
        days = _year(year).ordinals
        start = bisect.bisect_right(days, after)
        if remaining <= len(days) - start:
            return date.fromordinal(days[start + remaining - 1])
        remaining -= len(days) - start
        year += 1


def workdays_between(a: date, b: date) -> int:
    """The number of working days in (a, b]; 0 when b <= a."""
    if b <= a:
        return 0
    lo, hi = a.toordinal(), b.toordinal()
    count = 0
    for year in range(a.year, b.year + 1):
        days = _year(year).ordinals
        count += bisect.bisect_right(days, hi) - bisect.bisect_right(days, lo)
    return count


def deadline_after(moment: datetime, workdays: int) -> Deadline:
    """The end (23:59:59 local time) of the ``workdays``-th working day after the local date
    of ``moment``; the day of receipt does not count. ``workdays`` < 0 is a ValueError."""
    start = _local_date(moment)
    end = add_workdays(start, workdays)
    return Deadline(at=_end_of_day(end), needs_review=_needs_review(start, end))


def extend_deadline(deadline: datetime, paused_from: datetime, resumed_at: datetime) -> Deadline:
    """Push ``deadline`` back by the working days that passed while the clock was paused,
    keeping its time of day."""
    local = timezone.localtime(_aware(deadline), _tz())
    paused = workdays_between(_local_date(paused_from), _local_date(resumed_at))
    new_date = add_workdays(local.date(), paused) if paused else local.date()
    at = timezone.make_aware(datetime.combine(new_date, local.time()), _tz())
    first = min(local.date(), _local_date(paused_from))
    return Deadline(at=at, needs_review=_needs_review(first, new_date))


def is_known_year(year: int) -> bool:
    return _year(year).known


def working_days_in_month(year: int, month: int) -> list[date]:
    days = _year(year).ordinals
    first = date(year, month, 1).toordinal()
    last = first + calendar.monthrange(year, month)[1] - 1
    lo, hi = bisect.bisect_left(days, first), bisect.bisect_right(days, last)
    return [date.fromordinal(o) for o in days[lo:hi]]


def library_covers(year: int) -> bool:
    """Whether ``chinese_calendar`` knows this year's schedule."""
    return _library_covers(year)


def invalidate_cache() -> None:
    """Forget the cached calendar here and tell every other process to do the same. The model
    signals call this; call it yourself after a bulk write (``update``, ``bulk_create``)."""
    version = _time.time_ns()
    try:
        cache.set(VERSION_KEY, version, timeout=None)
    except Exception:
        log.warning("could not publish the working-calendar version", exc_info=True)
    _forget()
    _state.seen_version = version


# --- signal receiver (connected in core.apps) ---------------------------------------------------


def calendar_changed(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """A WorkCalendarDay or WorkCalendarYear was saved or deleted."""
    _forget()
    if connections[using].in_atomic_block:
        _held.active = True
        transaction.on_commit(_committed, using=using)
    else:
        invalidate_cache()


def _committed() -> None:
    _held.active = False
    invalidate_cache()


# --- the per-year cache ------------------------------------------------------------------------


def _year(year: int) -> _Year:
    _check_shared_version()
    data = _state.years.get(year)
    if data is not None:
        return data
    generation = _state.generation
    data = _build_year(year)
    if _may_store():
        with _state.lock:
            if generation == _state.generation:  # nobody invalidated while we built
                _state.years[year] = data
    return data


def _may_store() -> bool:
    if not getattr(_held, "active", False):
        return True
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return False
    # The transaction that changed the table ended without a commit: it was rolled back.
    _held.active = False
    _forget()
    return True


def _forget() -> None:
    with _state.lock:
        _state.generation += 1
        _state.years = {}


def _check_shared_version() -> None:
    now = _time.monotonic()
    if now - _state.checked_at < CHECK_EVERY:
        return
    _state.checked_at = now
    try:
        version = cache.get(VERSION_KEY)
    except Exception:
        # A cache outage must not stop deadlines; keep what we have.
        log.warning("could not read the working-calendar version", exc_info=True)
        return
    if version != _state.seen_version:
        _forget()
        _state.seen_version = version


def _build_year(year: int) -> _Year:
    from community_brain.core.models import WorkCalendarDay, WorkCalendarYear

    overrides = dict(
        WorkCalendarDay.objects.filter(date__year=year).values_list("date", "kind").iterator()
    )
    published = WorkCalendarYear.objects.filter(year=year, published=True).exists()
    covered = _library_covers(year)
    ordinals = []
    d = date(year, 1, 1)
    while d.year == year:
        kind = overrides.get(d)
        if kind is not None:
            working = kind == WorkCalendarDay.Kind.WORKDAY
        elif covered:
            working = chinese_calendar.is_workday(d)
        else:
            working = d.weekday() < 5
        if working:
            ordinals.append(d.toordinal())
        d += timedelta(days=1)
    return _Year(
        known=covered or published, ordinals=tuple(ordinals), ordinal_set=frozenset(ordinals)
    )


@functools.cache
def _library_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


# --- helpers -----------------------------------------------------------------------------------


def _needs_review(first: date, last: date) -> bool:
    return not all(is_known_year(y) for y in range(first.year, last.year + 1))


def _tz():
    # settings.TIME_ZONE, not the zone a request may have activated: deadlines are Beijing time.
    return timezone.get_default_timezone()


def _aware(moment: datetime) -> datetime:
    # Naive datetimes are taken as local (Asia/Shanghai) time rather than refused.
    return timezone.make_aware(moment, _tz()) if timezone.is_naive(moment) else moment


def _local_date(moment: datetime) -> date:
    return timezone.localtime(_aware(moment), _tz()).date()


def _end_of_day(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, END_OF_DAY), _tz())


def _reset_for_tests() -> None:
    """Drop every cached year and the transaction hold (tests roll back without commit)."""
    _held.active = False
    _forget()
    _state.seen_version = None
    _state.checked_at = float("-inf")
