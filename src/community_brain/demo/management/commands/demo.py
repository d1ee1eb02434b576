"""``brain demo``: prepare the database, seed the demo community, and run the web server, the
worker, the MQTT ingest (when ``MQTT_URL`` is set) and the device simulator together until
interrupted."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from community_brain.demo.register import DEMO_PASSWORD, USERS


class Command(BaseCommand):
    help = (
        "Migrate, seed the demo and serve it (web, worker, ingest with MQTT_URL, simulator). "
        "PORT overrides 8000."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--no-serve", action="store_true", help="prepare and seed only")

    def handle(self, port, host, no_serve, **options):
        started = time.monotonic()
        prepare(self.stdout)
        call_command("seed_demo", stdout=self.stdout)
        self.stdout.write(f"ready in {time.monotonic() - started:.1f}s\n")
        if no_serve:
            return
        self.stdout.write(
            f"\n  Community Brain demo: http://{host}:{port}/\n"
            f"  logins (password {DEMO_PASSWORD}): " + ", ".join(u[0] for u in USERS) + "\n"
            f"  database: {settings.DATABASES['default']['NAME']}\n\n"
        )
        self.stdout.flush()
        brain = [sys.executable, "-m", "community_brain.cli"]
        processes = [
            [*brain, "serve", "--host", host, "--port", str(port)],
            [*brain, "worker"],
        ]
        if settings.MQTT_URL:  # devices over the broker; without one the simulator posts HTTP
            processes.append([*brain, "ingest"])
        processes.append([*brain, "simulate", "--url", f"http://{_local(host)}:{port}"])
        run_together(processes)


def _local(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def prepare(stdout) -> None:
    call_command("compile_translations", verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)


def run_together(commands: list[list[str]]) -> None:
    """Start the processes; if one dies, stop the others; Ctrl-C stops all."""
    procs = [subprocess.Popen(cmd) for cmd in commands]

    def stop(*_args):
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(p.poll() is None for p in procs):
        time.sleep(0.5)
    stop()
