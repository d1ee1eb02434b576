"""Periodic jobs, declared in one place (``SCHEDULE``) and run by ``brain worker``.

Each job runs once per time slot (every N seconds, or daily at a local time) across all
workers: before running, a worker inserts the (job, slot) row of ``PeriodicRun``; the
unique constraint lets exactly one insert succeed. A worker that starts late runs the
latest slot it missed, not every one. Jobs must be safe to run again later (they are
sweeps: they look at the database, not at what the last run did).

To add a job, add a line to ``SCHEDULE`` naming a function by its dotted path.
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from community_brain.notify.models import PeriodicRun

logger = logging.getLogger(__name__)

KEEP_RUNS = timedelta(days=7)


@dataclass(frozen=True)
class Job:
    name: str
    func: str  # dotted path of a function taking no arguments
    every: timedelta | None = None
    daily_at: time | None = None  # local time (Asia/Shanghai)

    def slot(self, now: datetime) -> datetime:
        """The start of the slot the moment falls in."""
        if self.every is not None:
            seconds = max(1, int(self.every.total_seconds()))
            epoch = int(now.timestamp())
            return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)
        local = timezone.localtime(now)
        today = datetime.combine(local.date(), self.daily_at, tzinfo=local.tzinfo)
        return today if local >= today else today - timedelta(days=1)

    def run(self):
        return import_string(self.func)()


SCHEDULE: tuple[Job, ...] = (
    Job(
        "notify.deliver_due",
        "community_brain.notify.delivery.sweep",
        every=timedelta(seconds=30),
    ),
    Job(
        "notify.escalate",
        "community_brain.notify.escalation.escalate_due",
        every=timedelta(minutes=1),
    ),
    Job(
        "cases.deadline_sweep",
        "community_brain.cases.sweep.sweep",
        every=timedelta(minutes=1),
    ),
    Job("devices.sweep", "community_brain.devices.sweep.sweep", every=timedelta(minutes=1)),
    Job(
        "screen.refresh_recent",
        "community_brain.screen.readmodel.refresh_recent",
        every=timedelta(minutes=1),
    ),
    Job("screen.rebuild", "community_brain.screen.readmodel.rebuild", daily_at=time(2, 30)),
    Job(
        "duties.adjustment_sweep",
        "community_brain.duties.adjustments.sweep",
        every=timedelta(hours=1),
    ),
    Job(  # runs on Mondays and Thursdays (the function checks the day)
        "duties.catalogue_check",
        "community_brain.duties.check.scheduled_check",
        daily_at=time(6, 0),
    ),
    Job(
        "notify.daily_digest",
        "community_brain.notify.services.send_daily_digests",
        daily_at=time(8, 0),
    ),
    Job(
        "activities.reminders",
        "community_brain.activities.events.send_reminders",
        daily_at=time(9, 0),
    ),
    Job(
        "bulletins.publish_due",
        "community_brain.bulletins.services.publish_due",
        every=timedelta(minutes=1),
    ),
    Job(
        "periodic.purge_runs",
        "community_brain.notify.periodic.purge_runs",
        daily_at=time(3, 30),
    ),
    Job(
        "access.purge",
        "community_brain.access.retention.purge",
        daily_at=time(3, 45),
    ),
    Job(
        "devices.downsample_telemetry",
        "community_brain.devices.ingest.retention.downsample_old_telemetry",
        daily_at=time(4, 0),
    ),
)


def job(name: str) -> Job:
    return next(j for j in SCHEDULE if j.name == name)


def claim(job: Job, slot: datetime, worker: str) -> PeriodicRun | None:
    """The run of this slot, if this worker is the first to ask for it."""
    try:
        with transaction.atomic():
            return PeriodicRun.objects.create(
                job=job.name, slot=slot, worker=worker[:120], started_at=timezone.now()
            )
    except IntegrityError:
        return None


def run_one(job: Job, *, worker: str, now: datetime | None = None) -> bool:
    """Run the job for the current slot unless someone already has; True if this did."""
    run = claim(job, job.slot(now or timezone.now()), worker)
    if run is None:
        return False
    error = ""
    try:
        job.run()
    except Exception:
        error = traceback.format_exc()
        logger.exception("periodic job %s failed", job.name)
    PeriodicRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), error=error[-4000:])
    return True


def run_due(*, worker: str | None = None, jobs: tuple[Job, ...] | None = None) -> list[str]:
    """Run every job whose current slot nobody has run; returns their names."""
    from community_brain.notify.delivery import worker_id

    worker = worker or worker_id()
    return [j.name for j in (SCHEDULE if jobs is None else jobs) if run_one(j, worker=worker)]


def purge_runs() -> int:
    deleted, _ = PeriodicRun.objects.filter(slot__lt=timezone.now() - KEEP_RUNS).delete()
    return deleted


class Scheduler(threading.Thread):
    """Runs the schedule in a background thread of ``brain worker``. It looks every
    ``tick`` seconds and asks for a slot only once it changes."""

    def __init__(self, *, tick: float = 1.0, jobs: tuple[Job, ...] | None = None):
        super().__init__(name="periodic", daemon=True)
        self.tick = tick
        self.jobs = SCHEDULE if jobs is None else jobs
        self.stopping = threading.Event()
        self._tried: dict[str, datetime] = {}

    def stop(self) -> None:
        self.stopping.set()

    def run_once(self) -> list[str]:
        from community_brain.notify.delivery import worker_id

        ran = []
        now = timezone.now()
        for job in self.jobs:
            slot = job.slot(now)
            if self._tried.get(job.name) == slot:
                continue
            self._tried[job.name] = slot
            if run_one(job, worker=worker_id(), now=now):
                ran.append(job.name)
        return ran

    def run(self) -> None:
        logger.info("periodic scheduler started: %s", ", ".join(j.name for j in self.jobs))
        try:
            while not self.stopping.is_set():
                close_old_connections()
                try:
                    self.run_once()
                except Exception:  # the database went away: try again next tick
                    logger.exception("periodic scheduler")
                    self._tried.clear()
                self.stopping.wait(self.tick)
        finally:
            connections.close_all()
