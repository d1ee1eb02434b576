"""The working-day calendar: counting, deadlines, unknown years, the cache, the import command."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from community_brain.core import workdays
from community_brain.core.models import AuditLog, WorkCalendarDay, WorkCalendarYear
from community_brain.core.workdays import (
    add_workdays,
    deadline_after,
    extend_deadline,
    is_known_year,
    is_workday,
    workdays_between,
    working_days_in_month,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXAMPLE = Path(workdays.__file__).parent / "data" / "workcalendar-2027-example.csv"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    workdays._reset_for_tests()
    yield
    workdays._reset_for_tests()


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def end_of(d: date) -> datetime:
    return local(d.year, d.month, d.day, 23, 59, 59)


def library_days(first: date, last: date, holiday: str) -> tuple[list[date], list[date]]:
    """The library's days off and swapped working weekends for one holiday, between two dates."""
    off, swapped = [], []
    d = first
    while d <= last:
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
        if name == holiday:
            (off if on_holiday else swapped).append(d)
        d += timedelta(days=1)
    return off, swapped


# --- 2026, which the library knows -------------------------------------------------------------


def test_2026_national_day_week_is_skipped():
    off, _swapped = library_days(date(2026, 9, 1), date(2026, 10, 31), "National Day")
    assert off, "chinese_calendar should know the 2026 National Day holiday"
    expected, counted = date(2026, 9, 30), 0
    while counted < 5:  # count the way the library sees it
        expected += timedelta(days=1)
        counted += chinese_calendar.is_workday(expected)

    deadline = deadline_after(local(2026, 9, 30, 10, 0), 5)

    assert deadline.at == end_of(expected)
    assert deadline.at.date() > max(off)
    assert deadline.at == end_of(date(2026, 10, 13))  # 10-08, 10-09, Sat 10-10, 10-12, 10-13
    assert deadline.needs_review is False


def test_swapped_working_weekend_days_count():
    _off, swapped = library_days(date(2026, 9, 1), date(2026, 10, 31), "National Day")
    assert swapped
    for day in swapped:
        assert day.weekday() >= 5
        assert is_workday(day)
        assert add_workdays(day - timedelta(days=1), 1) == day
        assert workdays_between(day - timedelta(days=1), day) == 1


def test_receipt_counts_by_the_local_date():
    # 17:00 UTC on the 29th is already 01:00 on the 30th in Beijing.
    moment = datetime(2026, 9, 29, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert deadline_after(moment, 5).at == end_of(date(2026, 10, 13))
    assert deadline_after(moment, 5).at.tzinfo == SHANGHAI


def test_counting_rules():
    friday, saturday = date(2026, 11, 13), date(2026, 11, 14)
    assert add_workdays(friday, 0) == friday
    assert add_workdays(saturday, 0) == date(2026, 11, 16)
    assert add_workdays(friday, 1) == date(2026, 11, 16)
    assert workdays_between(friday, friday) == 0
    assert workdays_between(date(2026, 11, 20), friday) == 0
    assert workdays_between(friday, date(2026, 11, 20)) == 5
    with pytest.raises(ValueError):
        add_workdays(friday, -1)


def test_working_days_in_a_month_match_the_library():
    expected = [
        date(2026, 10, d) for d in range(1, 32) if chinese_calendar.is_workday(date(2026, 10, d))
    ]
    assert working_days_in_month(2026, 10) == expected
    assert date(2026, 10, 10) in expected


# --- 2027, which nobody knows yet --------------------------------------------------------------


def test_a_deadline_into_an_unknown_year_counts_weekends_and_asks_for_review():
    assert not is_known_year(2027)
    # Mon 2026-12-28 + 10: 12-29, 12-30, 12-31, Fri 01-01, 01-04 … 01-08, 01-11.
    deadline = deadline_after(local(2026, 12, 28, 9, 0), 10)
    assert deadline == workdays.Deadline(at=end_of(date(2027, 1, 11)), needs_review=True)

    assert deadline_after(local(2026, 12, 31, 9, 0), 400).needs_review  # many years on, no crash


def test_entering_the_2027_schedule_moves_the_deadline_and_clears_review():
    before = deadline_after(local(2026, 12, 28, 9, 0), 10)

    WorkCalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦")
    entered = deadline_after(local(2026, 12, 28, 9, 0), 10)
    assert entered.at == before.at + timedelta(days=1)  # 2027-01-12
    assert entered.needs_review  # rows entered, but the year is not published yet

    WorkCalendarYear.objects.create(year=2027, published=True, source="国办发明电〔2026〕示例号")
    published = deadline_after(local(2026, 12, 28, 9, 0), 10)
    assert published == workdays.Deadline(at=end_of(date(2027, 1, 12)), needs_review=False)
    assert is_known_year(2027)


def test_a_swapped_workday_must_fall_on_a_weekend():
    with pytest.raises(ValidationError) as exc:
        WorkCalendarDay(date=date(2027, 3, 3), kind="workday").full_clean()
    assert "kind" in exc.value.message_dict
    WorkCalendarDay(date=date(2027, 3, 6), kind="workday").full_clean()
    WorkCalendarDay(date=date(2027, 3, 6), kind="holiday").full_clean()  # a weekend day off


# --- the cache ---------------------------------------------------------------------------------


def test_saving_or_deleting_a_row_invalidates_the_cache():
    monday = date(2027, 3, 1)
    assert is_workday(monday)  # cached now
    row = WorkCalendarDay.objects.create(date=monday, kind="holiday", name="test")
    assert not is_workday(monday)
    row.delete()
    assert is_workday(monday)
    WorkCalendarYear.objects.create(year=2027, published=True)
    assert is_known_year(2027)


def test_other_processes_notice_a_change_through_the_shared_version():
    monday = date(2027, 3, 1)
    assert is_workday(monday)
    # A write this process does not see (no signals), as if made by another process.
    WorkCalendarDay.objects.bulk_create([WorkCalendarDay(date=monday, kind="holiday")])
    assert is_workday(monday), "the year should be served from the cache"

    cache.set(workdays.VERSION_KEY, "bumped elsewhere", timeout=None)
    assert is_workday(monday), "the shared version is looked at most once a second"

    workdays._state.checked_at -= workdays.CHECK_EVERY + 1  # a second later
    assert not is_workday(monday)


def test_a_committed_change_bumps_the_shared_version(django_capture_on_commit_callbacks):
    before = cache.get(workdays.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        WorkCalendarYear.objects.create(year=2027, published=True)
    assert cache.get(workdays.VERSION_KEY) not in (None, before)


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_trace_in_the_cache():
    monday = date(2027, 3, 1)
    seen_inside = []

    def change_then_fail():
        with transaction.atomic():
            WorkCalendarDay.objects.create(date=monday, kind="holiday")
            seen_inside.append(is_workday(monday))
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert seen_inside == [False]
    assert is_workday(monday)


# --- pauses ------------------------------------------------------------------------------------


def test_a_pause_over_a_weekend_adds_only_its_working_days():
    deadline = local(2026, 11, 20, 17, 30)  # Friday
    # Paused Friday morning, resumed Monday: one working day (Monday) elapsed.
    extended = extend_deadline(deadline, local(2026, 11, 13, 9, 0), local(2026, 11, 16, 10, 0))
    assert extended == workdays.Deadline(at=local(2026, 11, 23, 17, 30), needs_review=False)

    # Saturday to Sunday: no working day elapsed, the deadline stays.
    same = extend_deadline(deadline, local(2026, 11, 14, 9, 0), local(2026, 11, 15, 9, 0))
    assert same.at == deadline


def test_a_pause_that_pushes_a_deadline_into_an_unknown_year_asks_for_review():
    deadline = local(2026, 12, 30, 23, 59, 59)
    extended = extend_deadline(deadline, local(2026, 12, 21, 9, 0), local(2026, 12, 25, 9, 0))
    assert extended.at == local(2027, 1, 5, 23, 59, 59)  # 4 days: 12-31, 01-01, 01-04, 01-05
    assert extended.needs_review


# --- the command -------------------------------------------------------------------------------


def test_import_the_example_file_and_publish_the_year(capsys):
    call_command("workcalendar", "import", str(EXAMPLE), "--published", "2027", "--source", "示例")

    assert WorkCalendarDay.objects.count() == 17
    year = WorkCalendarYear.objects.get(year=2027)
    assert year.published
    assert year.source == "示例"
    assert AuditLog.objects.filter(action="workcalendar.import").count() == 1
    assert is_known_year(2027)
    assert not is_workday(date(2027, 2, 10))
    assert is_workday(date(2027, 2, 20))  # a swapped Saturday
    assert "imported 17 day(s)" in capsys.readouterr().out


def test_import_a_json_file_replaces_rows_of_the_same_date(tmp_path):
    WorkCalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", name="old")
    path = tmp_path / "days.json"
    rows = [
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
        {"date": "2027-01-02", "kind": "holiday", "name": "元旦"},  # a Saturday: allowed
    ]
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")

    call_command("workcalendar", "import", str(path))

    assert list(WorkCalendarDay.objects.values_list("name", flat=True)) == ["元旦", "元旦"]
    assert not WorkCalendarYear.objects.exists()


def test_a_bad_file_writes_nothing_and_names_the_bad_lines(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(
        "# example only\n"
        "date,kind,name\n"
        "2027-01-01,holiday,元旦\n"
        "2027-02-30,holiday,春节\n"  # line 4: no such date
        "2027-02-10,workday,春节调休\n"  # line 5: a Wednesday
        "2027-03-01,holliday,x\n",  # line 6: unknown kind
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as exc:
        call_command("workcalendar", "import", str(path), "--published", "2027")

    message = str(exc.value)
    assert "3 bad row(s)" in message
    assert "line 4: date" in message
    assert "line 5: kind" in message
    assert "line 6: kind" in message
    assert "line 3" not in message
    assert not WorkCalendarDay.objects.exists()
    assert not WorkCalendarYear.objects.exists()


def test_show_lists_holidays_swapped_days_and_whether_the_year_is_known(capsys):
    call_command("workcalendar", "show", "2026")
    out = capsys.readouterr().out
    assert "2026: known" in out
    assert "2026-10-01 Thu  国庆节" in out
    assert "2026-10-10 Sat  国庆节" in out

    WorkCalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦")
    call_command("workcalendar", "show", "2027")
    out = capsys.readouterr().out
    assert "2027: NOT KNOWN" in out
    assert "2027-01-01 Fri  元旦  (table)" in out


# --- the back office ---------------------------------------------------------------------------


def test_the_admin_lists_calendar_days_by_year(admin_client):
    WorkCalendarDay.objects.create(date=date(2027, 1, 1), kind="holiday", name="元旦")
    WorkCalendarYear.objects.create(year=2027)
    response = admin_client.get("/admin/core/workcalendarday/", {"year": "2027"})
    assert response.status_code == 200
    assert "元旦" in response.content.decode()
    assert admin_client.get("/admin/core/workcalendaryear/").status_code == 200
