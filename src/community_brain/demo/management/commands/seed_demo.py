"""``brain seed-demo``: seed the demo community (safe to run again)."""

from django.core.management.base import BaseCommand

from community_brain.core.context import acting
from community_brain.demo import (
    access,
    bulletins,
    cases,
    devices,
    duties,
    history,
    inspections,
    life,
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
            made_life = life.seed()  # after the history: the bulletins draw on both
            made_bulletins = bulletins.seed()
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
            if made_life:
                self.stdout.write(f"Seeded rooms, activities and volunteers: {made_life}.\n")
            if made_bulletins:
                self.stdout.write(f"Seeded a year of bulletins: {made_bulletins}.\n")
            readmodel.rebuild()  # the big screen's monthly figures, at once
        if not created:
            self.stdout.write("The demo register is already seeded.\n")
