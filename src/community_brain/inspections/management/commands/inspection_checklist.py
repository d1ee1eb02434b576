"""``brain inspection-checklist``: load the standard highway inspection checklist."""

from django.core.management.base import BaseCommand

from community_brain.core.context import acting
from community_brain.inspections import checklist


class Command(BaseCommand):
    help = "Load whatever of the standard defect-inspection checklist is missing."

    def handle(self, *args, **options):
        with acting("cli"):
            created = checklist.ensure()
        self.stdout.write(f"Checklist loaded: {created}\n")
