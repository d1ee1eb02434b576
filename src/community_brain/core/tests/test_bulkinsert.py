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
