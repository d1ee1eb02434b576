"""``brain simulate``: make the demo compounds' devices publish realistic streams with
occasional faults — over MQTT when ``MQTT_URL`` is set, over the HTTP ingest otherwise."""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from community_brain.core.context import acting
from community_brain.demo.devices import COMPOUND_CODES
from community_brain.devices import services
from community_brain.devices.models import Device
from community_brain.devices.simulator import Simulator


class HttpTransport:
    """POST to ``<base>/ingest/v1/<code>/<kind>`` with each device's token."""

    def __init__(self, base: str, tokens: dict[str, str], timeout: float = 5.0):
        self.base, self.tokens, self.timeout = base.rstrip("/"), tokens, timeout

    def send(self, code: str, kind: str, body: bytes) -> bool:
        request = urllib.request.Request(
            f"{self.base}/ingest/v1/{code}/{kind}",
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {self.tokens[code]}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status == 202
        except urllib.error.HTTPError:
            return False


class MqttTransport:
    """QoS 1 to ``cb/v1/<code>/<kind>``; status messages retained, as a last will is."""

    def __init__(self, url: str, client_id: str):
        import paho.mqtt.client as mqtt

        parts = urlsplit(url)
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True
        )
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        if parts.scheme in ("mqtts", "ssl"):
            self.client.tls_set()
        self.client.max_inflight_messages_set(200)
        self.client.connect(parts.hostname or "127.0.0.1", parts.port or 1883, keepalive=30)
        self.client.loop_start()
        self.pending: list = []

    def send(self, code: str, kind: str, body: bytes) -> bool:
        info = self.client.publish(f"cb/v1/{code}/{kind}", body, qos=1, retain=kind == "status")
        self.pending = [i for i in self.pending if not i.is_published()] + [info]
        return info.rc == 0

    def close(self) -> None:
        for info in self.pending:  # QoS 1: let the broker acknowledge what is in flight
            info.wait_for_publish(timeout=5)
        self.client.loop_stop()
        self.client.disconnect()


class Command(BaseCommand):
    help = (
        "Make the demo compounds' devices publish telemetry, events and faults: over MQTT when "
        "MQTT_URL is set, else over the HTTP ingest at --url."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rate", type=float, default=10.0, help="seconds between rounds")
        parser.add_argument(
            "--faults", type=float, default=0.005, help="chance of a fault per device per round"
        )
        parser.add_argument("--once", action="store_true", help="one round, then stop")
        parser.add_argument("--rounds", type=int, default=None, help="this many rounds")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--url",
            default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}",
            help="the web server, for HTTP ingest",
        )
        parser.add_argument(
            "--http", action="store_true", help="use the HTTP ingest even when MQTT_URL is set"
        )
        parser.add_argument("--compound", action="append", help="compound code (repeatable)")
        parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait for --url")

    def handle(self, *args, **o):
        codes = o["compound"] or COMPOUND_CODES
        devices = list(
            Device.objects.filter(compound__code__in=codes, is_active=True).select_related("type")
        )
        if not devices:
            raise CommandError(
                f"No active devices in {', '.join(codes)}: run `brain seed-demo` first."
            )
        mqtt_url = None if o["http"] else settings.MQTT_URL
        if mqtt_url:
            transport = MqttTransport(mqtt_url, client_id=f"cb-simulator-{o['seed']}")
            how = f"MQTT {urlsplit(mqtt_url).hostname}"
        else:
            with acting("cli"):
                tokens = services.issue_tokens(devices)
            transport = HttpTransport(o["url"], tokens)
            how = f"HTTP {o['url']}"
            self._wait_for(o["url"], o["wait"])
        rounds = 1 if o["once"] else o["rounds"]
        self.stdout.write(f"simulating {len(devices)} devices over {how}\n")
        sim = Simulator(devices, transport, seed=o["seed"], faults=o["faults"])
        try:
            sim.run(rounds=rounds, every=o["rate"], say=lambda s: self.stdout.write(s + "\n"))
        except KeyboardInterrupt:
            pass
        finally:
            if hasattr(transport, "close"):
                transport.close()

    def _wait_for(self, url: str, seconds: float) -> None:
        """The web server may still be starting (``brain demo`` starts both at once)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(f"{url.rstrip('/')}/healthz", timeout=3).close()
                return
            except (urllib.error.URLError, OSError) as exc:
                if time.monotonic() > deadline:
                    raise CommandError(
                        f"{url} does not answer; is the web server running?"
                    ) from exc
                time.sleep(0.5)
