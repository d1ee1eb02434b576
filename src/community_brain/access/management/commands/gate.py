"""``brain gate``: run a gate box in edge mode — keep the compound's face templates in a local
encrypted cache synced from the server, match frames here, send the server events only.

    brain gate --server https://brain.example --token dv_… --cache /var/lib/gate/cache \
        --watch /var/lib/gate/frames            # JPEGs dropped there by the camera
    brain gate … --once --frame photo.jpg       # sync, match one frame, post, exit
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from community_brain.access.edge import EdgeGate, HttpTransport, TemplateCache


class Command(BaseCommand):
    help = "Run a gate in edge mode: local template cache, local matching, events to the server."

    def add_arguments(self, parser):
        parser.add_argument("--server", required=True, help="the server's base URL")
        parser.add_argument(
            "--token",
            default=os.environ.get("GATE_TOKEN", ""),
            help="the gate camera's device token (or GATE_TOKEN)",
        )
        parser.add_argument("--cache", required=True, help="the local encrypted cache file")
        parser.add_argument(
            "--threshold", type=float, default=0.6, help="until the server sends its own"
        )
        parser.add_argument("--direction", default="in", choices=["in", "out"])
        parser.add_argument("--frame", action="append", default=[], help="a JPEG to match")
        parser.add_argument("--watch", help="a folder the camera drops JPEGs into")
        parser.add_argument("--interval", type=float, default=30, help="seconds between syncs")
        parser.add_argument("--once", action="store_true", help="one round, then exit")

    def handle(self, *args, **options):
        if not options["token"]:
            raise CommandError("give --token or set GATE_TOKEN")
        gate = EdgeGate(
            transport=HttpTransport(options["server"], options["token"]),
            cache=TemplateCache(options["cache"], options["token"]),
            threshold=options["threshold"],
        )
        watch = Path(options["watch"]) if options["watch"] else None
        last_sync = 0.0
        while True:
            if time.monotonic() - last_sync >= options["interval"] or options["once"]:
                changed = gate.sync()
                last_sync = time.monotonic()
                self.stdout.write(f"templates v{gate.version}{' (new)' if changed else ''}\n")
            frames = [Path(f) for f in options["frame"]]
            if watch is not None:
                frames += sorted(watch.glob("*.jpg"))
            for path in frames:
                event = gate.match(path.read_bytes(), direction=options["direction"])
                shown = {k: v for k, v in event.items() if k != "embedding"}
                self.stdout.write(json.dumps(shown, ensure_ascii=False) + "\n")
                if watch is not None and path.parent == watch:
                    path.unlink(missing_ok=True)  # the frame is not kept at the gate either
            options["frame"] = []
            gate.flush()
            if options["once"]:
                return
            time.sleep(1.0)
