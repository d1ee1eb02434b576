"""``brain ingest``: subscribe to the devices' MQTT topics and store what they send.

Several may run at once (``--shared GROUP`` splits the stream between them through the
broker's shared subscription); each needs its own ``--client-id`` so that its persistent
session — the messages it has not yet acknowledged — is its own."""

import os
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Receive device messages from the MQTT broker (MQTT_URL), validate and store them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--client-id",
            default=os.environ.get("INGEST_CLIENT_ID"),
            help="stable MQTT client id of this process's persistent session "
            "(default: $INGEST_CLIENT_ID, else cb-ingest-<hostname>)",
        )
        parser.add_argument(
            "--shared",
            metavar="GROUP",
            default=os.environ.get("INGEST_SHARED_GROUP"),
            help="subscribe as a member of this shared-subscription group",
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="messages per batch")
        parser.add_argument("--batch-ms", type=int, default=200, help="longest wait for a batch")
        parser.add_argument(
            "--queue-size", type=int, default=20000, help="messages held before back-pressure"
        )
        parser.add_argument(
            "--report-seconds", type=float, default=10.0, help="how often to log the rates"
        )

    def handle(self, *args, client_id, shared, batch_size, batch_ms, queue_size, **options):
        from community_brain.devices.ingest.mqtt import Ingest

        url = getattr(settings, "MQTT_URL", None)
        if not url:
            raise CommandError(
                "MQTT_URL is not set: brain ingest needs a broker, e.g. "
                "MQTT_URL=mqtt://user:password@127.0.0.1:1883 (see docs/ingest.md)"
            )
        if batch_size < 1 or batch_ms < 0 or queue_size < 1:
            raise CommandError("--batch-size and --queue-size must be positive, --batch-ms ≥ 0")
        try:
            ingest = Ingest(
                url,
                client_id=client_id,
                shared=shared,
                batch_size=batch_size,
                batch_ms=batch_ms,
                queue_size=queue_size,
                report_seconds=options["report_seconds"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: ingest.stop())
        ingest.run()
