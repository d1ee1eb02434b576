"""Fortnights: the 1st–15th and the 16th–end of each month (半月), numbered 1–24 a year."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from django.utils import timezone


def fortnight_of(day: date) -> tuple[date, date]:
    if day.day <= 15:
        return day.replace(day=1), day.replace(day=15)
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=16), day.replace(day=last)


def number_of(start: date) -> int:
    return (start.month - 1) * 2 + (1 if start.day == 1 else 2)


def previous(start: date) -> tuple[date, date]:
    return fortnight_of(start - timedelta(days=1))


def following(start: date) -> tuple[date, date]:
    return fortnight_of(fortnight_of(start)[1] + timedelta(days=1))


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The aware moments [start 00:00, the day after end 00:00) in local time."""
    begin = timezone.make_aware(datetime.combine(start, time.min))
    return begin, timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
