"""``brain worker``: run background tasks from the durable queue (imports, notices) and, in a
thread beside them, the periodic jobs (``notify.periodic.SCHEDULE``). Several may run at
once, on several machines: tasks and periodic slots are each claimed by one worker."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker: the task queue and the periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="*", help="queue names, comma-separated, or *")
        parser.add_argument("--interval", type=float, default=0.5)
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="do not run the periodic jobs in this worker",
        )

    def handle(self, queue, interval, batch, no_periodic, **options):
        from community_brain.notify import periodic

        scheduler = None
        if not no_periodic:
            if batch:
                periodic.run_due()
            else:
                scheduler = periodic.Scheduler()
                scheduler.start()
        kwargs = {
            "queue_name": queue,
            "interval": interval,
            "startup_delay": False,
            "reload": False,
            "verbosity": options.get("verbosity", 1),
        }
        if batch:
            kwargs["batch"] = True
        try:
            call_command("db_worker", **kwargs)
        finally:
            if scheduler is not None:
                scheduler.stop()
