"""``bulkinsert.insert`` writes what ``bulk_create`` would: keys back, timestamps filled, JSON
and foreign keys prepared by their fields; conflicts skipped only when asked."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from community_brain.accounts.models import User
from community_brain.core import bulkinsert
from community_brain.core.models import AuditLog, WorkCalendarDay


def test_rows_come_back_as_written_with_their_keys(db):
    actor = User.objects.create_user("writer", password="x")
    rows = [
        AuditLog(actor=actor, action=f"test.{n}", data={"n": n, "名称": "测试", "list": [1, 2]})
        for n in range(3)
    ]
    bulkinsert.insert(rows)
    assert all(r.pk for r in rows) and len({r.pk for r in rows}) == 3
    assert all(not r._state.adding for r in rows)
    for row in rows:
        stored = AuditLog.objects.get(pk=row.pk)
        assert stored.action == row.action and stored.data == row.data
        assert stored.actor_id == actor.pk and stored.at == row.at and stored.at is not None


def test_more_rows_than_one_statement_may_carry(db):
    rows = [AuditLog(action="test.many", summary=str(n)) for n in range(1200)]
    bulkinsert.insert(rows)
    assert len({r.pk for r in rows}) == 1200
    assert AuditLog.objects.filter(action="test.many").count() == 1200
    assert AuditLog.objects.get(pk=rows[-1].pk).summary == "1199"


def test_conflicts_fail_unless_they_are_to_be_skipped(db):
    day = date(2026, 10, 1)
    bulkinsert.insert([WorkCalendarDay(date=day, kind="holiday", name="国庆节")])
    with pytest.raises(IntegrityError), transaction.atomic():
        bulkinsert.insert([WorkCalendarDay(date=day, kind="workday")])
    bulkinsert.insert(
        [
            WorkCalendarDay(date=day, kind="workday"),
            WorkCalendarDay(date=date(2026, 10, 11), kind="workday", name="国庆节调休"),
        ],
        ignore_conflicts=True,
    )
    assert WorkCalendarDay.objects.get(date=day).kind == "holiday"  # the first row kept
    assert WorkCalendarDay.objects.filter(date=date(2026, 10, 11)).exists()


def test_keys_are_given_for_all_rows_or_none(db):
    with pytest.raises(ValueError, match="primary key"):
        bulkinsert.insert([AuditLog(pk=10**9, action="a"), AuditLog(action="b")])
    with pytest.raises(ValueError, match="one model"):
        bulkinsert.insert([AuditLog(action="a"), WorkCalendarDay(date=date(2026, 1, 1))])
    rows = [AuditLog(pk=10**9 + n, action="test.keyed") for n in range(2)]
    bulkinsert.insert(rows)
    assert sorted(AuditLog.objects.filter(action="test.keyed").values_list("pk", flat=True)) == [
        10**9,
        10**9 + 1,
    ]


def test_logged_queries_show_the_statement_with_its_values(db):
    """With queries logged (DEBUG, tests counting queries) the statement must still run and
    be shown: on PostgreSQL the numbered placeholders once failed in Django's query log."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [AuditLog(action="test.logged", summary=f"第{n}行") for n in range(30)]
    with CaptureQueriesContext(connection) as queries:
        bulkinsert.insert(rows)
    assert all(r.pk for r in rows)
    logged = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert len(logged) == 1 and "第29行" in logged[0]
    assert AuditLog.objects.filter(action="test.logged").count() == 30


def test_values_that_need_their_field_still_get_it(db):
    """Plain values go to the database as they are; enum members, lazy strings, dates and
    numbers of another type still pass through the field, as with ``bulk_create``."""
    from django.utils.translation import gettext_lazy

    day = WorkCalendarDay(
        date=date(2026, 10, 10), kind=WorkCalendarDay.Kind.WORKDAY, name=gettext_lazy("name")
    )
    plain = WorkCalendarDay(date=date(2026, 10, 11), kind="holiday", name="国庆节")
    bulkinsert.insert([day, plain])
    stored = {d.date: d for d in WorkCalendarDay.objects.filter(pk__in=[day.pk, plain.pk])}
    assert stored[date(2026, 10, 10)].kind == "workday"
    assert stored[date(2026, 10, 10)].name == str(gettext_lazy("name"))
    assert stored[date(2026, 10, 11)].name == "国庆节"
    assert stored[date(2026, 10, 11)].created_at is not None  # auto_now_add filled

    row = AuditLog(action="test.numbers", object_id=42)  # an int for a text column
    bulkinsert.insert([row])
    assert AuditLog.objects.get(pk=row.pk).object_id == "42"


def test_times_are_stored_as_django_would_store_them(db):
    """An aware time goes to the database as it is; a naive one is first made aware in the
    project's time zone, with Django's warning, exactly as ``save()`` does."""
    from datetime import datetime, timedelta, timezone

    from django.utils import timezone as django_timezone

    from community_brain.accounts.models import ApiToken

    user = User.objects.create_user("timer", password="x")
    aware = datetime(2026, 10, 1, 1, 2, 3, 456789, tzinfo=timezone(timedelta(hours=8)))
    naive = datetime(2026, 10, 1, 9, 0)
    rows = [
        ApiToken(user=user, key_hash="hash-aware", hint="aaaa", last_used_at=aware),
        ApiToken(user=user, key_hash="hash-naive", hint="bbbb", last_used_at=naive),
    ]
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        bulkinsert.insert(rows)
    stored = {t.key_hash: t.last_used_at for t in ApiToken.objects.filter(user=user)}
    assert stored["hash-aware"] == aware
    assert stored["hash-naive"] == django_timezone.make_aware(naive)
