"""``brain worker``: run background tasks from the durable queue (imports, and later notices
and periodic jobs). Several may run at once, on several machines."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (django-tasks database queue)."

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="*", help="queue names, comma-separated, or *")
        parser.add_argument("--interval", type=float, default=0.5)
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")

    def handle(self, queue, interval, batch, **options):
        kwargs = {"queue_name": queue, "interval": interval, "no_startup_delay": True}
        if batch:
            kwargs["batch"] = True
        call_command("db_worker", **kwargs)
