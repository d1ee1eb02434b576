"""Deadlines in working days: the National Day week, a swapped working weekend, pausing the
clock, more time asked before the deadline, the overdue sweep and its escalation."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from community_brain.cases import services, sweep
from community_brain.cases.models import Case
from community_brain.core import workdays
from community_brain.core.errors import InvalidInput
from community_brain.testing import report_case

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SH)


def test_deadline_across_the_national_day_week(world, cats):
    # Received on 30 September 2026: the week of 1–7 October is off; working days are counted
    # by the official 2026 schedule, swapped working weekend included.
    received = at(2026, 9, 30, 10, 0)
    with time_machine.travel(received, tick=False):
        case = report_case(world, cats)  # 物业维修: 5 working days
    expected = workdays.add_workdays(date(2026, 9, 30), 5)
    assert expected > date(2026, 10, 7)
    assert case.resolve_by.astimezone(SH).date() == expected
    # the days counted: none in the holiday, and each one a working day
    days = [
        date(2026, 9, 30) + timedelta(n) for n in range(1, (expected - date(2026, 9, 30)).days + 1)
    ]
    working = [d for d in days if workdays.is_workday(d)]
    assert len(working) == 5 and working[-1] == expected
    assert not any(date(2026, 10, 1) <= d <= date(2026, 10, 7) for d in working)
    assert case.deadline_needs_review is False


def test_a_swapped_working_saturday_counts(world, cats):
    import chinese_calendar

    swapped = [
        d
        for d in (date(2026, 1, 1) + timedelta(n) for n in range(365))
        if d.weekday() >= 5 and chinese_calendar.is_workday(d)
    ]
    assert swapped, "2026 has swapped working weekends"
    day = swapped[0]
    received = datetime.combine(day - timedelta(days=1), datetime.min.time(), SH) + timedelta(
        hours=9
    )
    with time_machine.travel(received, tick=False):
        case = Case.objects.get(pk=report_case(world, cats, category="dispute").pk)
    counted = [
        d for d in (received.date() + timedelta(n) for n in range(1, 15)) if workdays.is_workday(d)
    ][:3]
    assert day in counted
    assert case.resolve_by.astimezone(SH).date() == counted[-1]


def test_a_deadline_in_an_unannounced_year_is_computed_and_flagged(world, cats):
    with time_machine.travel(at(2026, 12, 28, 9, 0), tick=False):
        case = report_case(world, cats, category="road")  # 10 working days → 2027
    assert case.resolve_by.year == 2027
    assert case.deadline_needs_review is True


def test_pausing_moves_the_deadline_by_the_working_days_paused(world, cats):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):  # a Monday
        case = report_case(world, cats)
        services.start(case, by=world.users["property"])
    before = Case.objects.get(pk=case.pk).resolve_by
    with time_machine.travel(at(2026, 11, 3, 9, 0), tick=False):
        services.pause(case, by=world.users["property"], reason="住户出差，无法入户")
    with time_machine.travel(at(2026, 11, 6, 9, 0), tick=False):  # Friday
        services.resume(case, by=world.users["property"])
    after = Case.objects.get(pk=case.pk).resolve_by
    moved = workdays.workdays_between(date(2026, 11, 3), date(2026, 11, 6))
    assert moved == 3
    assert after.astimezone(SH).date() == workdays.add_workdays(before.astimezone(SH).date(), 3)


def test_more_time_only_before_the_deadline(world, cats):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        case = report_case(world, cats)
        request = services.request_extension(
            case, by=world.users["property"], workdays=3, reason="需要等配件"
        )
        with pytest.raises(InvalidInput):
            services.request_extension(
                case, by=world.users["property"], workdays=2, reason="再要一次"
            )
        old = Case.objects.get(pk=case.pk).resolve_by
        services.decide_extension(case, by=world.users["staff"], approve=True)
    case.refresh_from_db()
    assert request.pk and case.extended_workdays == 3
    assert case.resolve_by.astimezone(SH).date() == workdays.add_workdays(
        old.astimezone(SH).date(), 3
    )
    with (
        time_machine.travel(case.resolve_by + timedelta(hours=1), tick=False),
        pytest.raises(InvalidInput),
    ):
        services.request_extension(case, by=world.users["property"], workdays=1, reason="太晚了")


def test_the_sweep_marks_overdue_and_escalates_once(world, cats):
    from community_brain.notify.models import Notice

    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        case = report_case(world, cats)
    deadline = Case.objects.get(pk=case.pk).resolve_by
    with time_machine.travel(deadline + timedelta(minutes=5), tick=False):
        assert sweep.sweep()["overdue"] == 1
        assert sweep.sweep()["overdue"] == 0  # a second run (or a second worker) adds nothing
    case.refresh_from_db()
    assert case.is_overdue and case.escalation_level == 1
    with time_machine.travel(deadline + timedelta(days=5), tick=False):
        assert sweep.sweep()["escalated"] == 1
    case.refresh_from_db()
    assert case.escalation_level == 2
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count("overdue") == 1 and kinds.count("escalated") == 1
    overdue_notices = Notice.objects.filter(template="case.overdue")
    assert overdue_notices.exists()
    # level 1 goes to the responsible company
    assert world.users["property"].pk in set(overdue_notices.values_list("recipient_id", flat=True))
