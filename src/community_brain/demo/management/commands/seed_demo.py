"""``brain seed-demo``: seed the demo community (safe to run again)."""

from django.core.management.base import BaseCommand

from community_brain.core.context import acting
from community_brain.demo import (
    access,
    cases,
    devices,
    duties,
    history,
    inspections,
    register,
    rota,
)
from community_brain.screen import readmodel


class Command(BaseCommand):
    help = "Seed the Qiancheng demo community. Running it again adds nothing twice."

    def handle(self, *args, **options):
        with acting("cli"):
            created = register.seed(stdout=self.stdout)
            cases.seed()
            made = history.seed()
            rota.seed()
            made_devices = devices.seed()
            duties.seed()
            made_inspections = inspections.seed()
            if made_inspections:
                self.stdout.write(f"Seeded the G233 inspections: {made_inspections}.\n")
            made_passages = access.seed()
            if made_passages:
                self.stdout.write(f"Seeded gates and {made_passages} passages (card, QR, guard).\n")
            if made_devices:
                self.stdout.write(f"Seeded {made_devices} monitoring devices.\n")
            if made:
                self.stdout.write(f"Seeded a year of cases: {made}.\n")
            readmodel.rebuild()  # the big screen's monthly figures, at once
        if not created:
            self.stdout.write("The demo register is already seeded.\n")
