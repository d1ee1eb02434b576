"""Periodic jobs: declared in one schedule, each slot run once however many workers run, and
``brain worker`` runs them beside the task queue."""

from datetime import time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils.module_loading import import_string

from community_brain.notify import periodic, services
from community_brain.notify.choices import State
from community_brain.notify.models import Notice, PeriodicRun, WebhookEndpoint
from community_brain.notify.tests.conftest import at

CALLS = []


def count_call():
    CALLS.append(1)


def explode():
    raise RuntimeError("boom")


EVERY_MINUTE = periodic.Job(
    "test.every_minute", f"{__name__}.count_call", every=timedelta(minutes=1)
)


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def test_the_schedule_names_importable_functions():
    names = [job.name for job in periodic.SCHEDULE]
    assert len(names) == len(set(names))
    assert {"notify.deliver_due", "notify.escalate", "notify.daily_digest"} <= set(names)
    for job in periodic.SCHEDULE:
        assert callable(import_string(job.func))
        assert (job.every is None) != (job.daily_at is None)


def test_slots():
    job = periodic.Job("x", "x", every=timedelta(seconds=30))
    assert job.slot(at(2026, 3, 10, 9, 0, 29)) == at(2026, 3, 10, 9, 0, 0)
    assert job.slot(at(2026, 3, 10, 9, 0, 30)) == at(2026, 3, 10, 9, 0, 30)
    daily = periodic.Job("y", "y", daily_at=time(8, 0))
    assert daily.slot(at(2026, 3, 10, 7, 59)) == at(2026, 3, 9, 8, 0)
    assert daily.slot(at(2026, 3, 10, 8, 0)) == at(2026, 3, 10, 8, 0)
    assert daily.slot(at(2026, 3, 10, 23, 0)) == at(2026, 3, 10, 8, 0)


def test_each_slot_runs_once_across_workers(db):
    with time_machine.travel(at(2026, 3, 10, 9, 0, 5), tick=False) as clock:
        assert periodic.run_one(EVERY_MINUTE, worker="w1")
        assert not periodic.run_one(EVERY_MINUTE, worker="w2")
        clock.shift(timedelta(seconds=50))
        assert not periodic.run_one(EVERY_MINUTE, worker="w2")
        clock.shift(timedelta(seconds=10))  # 09:01:05, a new slot
        assert periodic.run_one(EVERY_MINUTE, worker="w2")
    assert len(CALLS) == 2
    assert list(PeriodicRun.objects.order_by("slot").values_list("worker", flat=True)) == [
        "w1",
        "w2",
    ]


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(db):
    boom = periodic.Job("test.boom", f"{__name__}.explode", every=timedelta(minutes=1))
    ran = periodic.run_due(worker="w1", jobs=(boom, EVERY_MINUTE))
    assert ran == ["test.boom", "test.every_minute"] and CALLS == [1]
    run = PeriodicRun.objects.get(job="test.boom")
    assert "RuntimeError: boom" in run.error and run.finished_at is not None


def test_the_scheduler_asks_once_per_slot(db):
    scheduler = periodic.Scheduler(jobs=(EVERY_MINUTE,))
    with time_machine.travel(at(2026, 3, 10, 9, 0, 0), tick=False) as clock:
        assert scheduler.run_once() == ["test.every_minute"]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(periodic, "claim", lambda *a: pytest.fail("asked again"))
            assert scheduler.run_once() == []
        clock.shift(timedelta(minutes=1))
        assert scheduler.run_once() == ["test.every_minute"]


def test_the_scheduler_thread_starts_and_stops(db):
    scheduler = periodic.Scheduler(jobs=(), tick=0.01)
    scheduler.start()
    scheduler.stop()
    scheduler.join(5)
    assert not scheduler.is_alive()


def test_old_runs_are_purged(db):
    with time_machine.travel(at(2026, 3, 1, 9, 0), tick=False):
        periodic.run_one(EVERY_MINUTE, worker="w1")
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        periodic.run_one(EVERY_MINUTE, worker="w1")
        assert periodic.purge_runs() == 1
    assert PeriodicRun.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_brain_worker_runs_the_queue_and_the_periodic_jobs(live_crew, robot, settings):
    """End to end with the durable queue: the notice's task waits in the database until
    ``brain worker`` runs; its periodic sweep and the task both try to deliver it, and it is
    sent once."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "imports", "notify"],
        }
    }
    from django_tasks_db.models import DBTaskResult

    WebhookEndpoint.objects.create(
        organisation=live_crew.org, name="群", kind="wecom", url=robot.url("wecom", "k")
    )
    services.notify(
        recipients=[],
        template="alarm.raised",
        payload={"place": "东门"},
        idempotency_key="alarm:gate",
        organisation=live_crew.org,
        channels=["webhook"],
    )
    assert DBTaskResult.objects.count() == 1 and robot.received == []
    call_command("worker", batch=True, verbosity=0)
    assert len(robot.received) == 1
    notice = Notice.objects.get()
    assert notice.state == State.DELIVERED and notice.attempts == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert set(PeriodicRun.objects.values_list("job", flat=True)) == {
        j.name for j in periodic.SCHEDULE
    }
