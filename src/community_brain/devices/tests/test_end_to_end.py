"""Issue 5's acceptance criteria with real processes: the private Mosquitto, real
``brain ingest`` subprocesses and the real ``mosquitto_pub`` binary, against the demo world.

1. A smoke event published with ``mosquitto_pub`` for a demo device produces one active
   alarm, one case routed to that compound's property company, and an urgent notice to
   whoever is on duty.
2. Two ingest processes (distinct client ids, no shared subscription, so both receive every
   message) racing on the same trigger make exactly one active alarm.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from community_brain.cases.choices import Source
from community_brain.cases.models import Case
from community_brain.conftest import service_missing
from community_brain.devices.models import Alarm, Device, DeviceEvent, Telemetry
from community_brain.notify import oncall
from community_brain.notify.models import Notice

MOSQUITTO_PUB = "/usr/bin/mosquitto_pub"
DEADLINE = 30  # seconds: generous, the test proves the outcome, never the timing
BRAIN = [sys.executable, "-c", "from community_brain.cli import main; main()", "ingest"]
SUBSCRIBING = "subscribing to"


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait(check, what, timeout=DEADLINE, every=0.02):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout}s")
        time.sleep(every)


def _mosquitto_pub() -> str:
    path = MOSQUITTO_PUB if Path(MOSQUITTO_PUB).exists() else shutil.which("mosquitto_pub")
    if not path:
        service_missing("mosquitto_pub (/usr/bin/mosquitto_pub)")
    return path


def _port(broker_url: str) -> str:
    return broker_url.rsplit(":", 1)[1]


def _pub_args(broker_url: str, code: str, kind: str, body: dict) -> list[str]:
    return [
        _mosquitto_pub(),
        "-h",
        "127.0.0.1",
        "-p",
        _port(broker_url),
        "-q",
        "1",
        "-t",
        f"cb/v1/{code}/{kind}",
        "-m",
        json.dumps(body),
    ]


def _publish(broker_url: str, code: str, kind: str, body: dict) -> None:
    subprocess.run(_pub_args(broker_url, code, kind, body), check=True, timeout=DEADLINE)


def _publish_all(broker_url: str, code: str, bodies: list[dict]) -> None:
    """Events published at once, by as many ``mosquitto_pub`` processes."""
    procs = [subprocess.Popen(_pub_args(broker_url, code, "event", b)) for b in bodies]
    try:
        assert [p.wait(DEADLINE) for p in procs] == [0] * len(procs)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()


def _now_ms() -> int:
    return int(time.time() * 1000)


def _smoke(event_id: str) -> dict:
    return {"id": event_id, "type": "smoke_alarm", "ts": _now_ms(), "data": {}}


class _Ingest:
    """One ``brain ingest`` subprocess with its log in a file of its own."""

    def __init__(self, broker_url: str, client_id: str, log_path: Path, batch_ms: int = 20):
        self.log_path = log_path
        self.log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "MQTT_URL": broker_url,
            "LOG_LEVEL": "INFO",
        }
        env.pop("INGEST_SHARED_GROUP", None)  # every process receives every message
        self.proc = subprocess.Popen(
            [
                *BRAIN,
                "--client-id",
                client_id,
                "--batch-ms",
                str(batch_ms),
                "--report-seconds",
                "1",
            ],
            env=env,
            stdout=self.log,
            stderr=self.log,
        )

    def text(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def subscribing(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"brain ingest exited early:\n{self.text()[-2000:]}")
        return SUBSCRIBING in self.text()

    def stop(self) -> int | None:
        """SIGTERM (it drains and acknowledges what it received), then SIGKILL."""
        try:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(30)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(10)
            return self.proc.returncode
        finally:
            self.log.close()

    def received(self) -> int | None:
        """The total of the final report line (written on a clean stop)."""
        found = re.findall(r"ingest: stopped; (\d+) received", self.text())
        return int(found[-1]) if found else None

    def new(self) -> int | None:
        """How many of the received messages this process stored first (not duplicates)."""
        found = re.findall(r"ingest: stopped; \d+ received, (\d+) stored \((\d+) dup", self.text())
        return int(found[-1][0]) - int(found[-1][1]) if found else None


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the ingest process needs a database server; the PostgreSQL run covers it")


def _seed_demo() -> None:
    """The demo register, case categories and routing, devices and on-call rota."""
    from community_brain.demo import cases, register, rota
    from community_brain.demo import devices as demo_devices

    register.seed()
    cases.seed()
    demo_devices.seed()
    rota.seed()


def _probe(broker_url: str, device: Device) -> None:
    """A telemetry point, published and waited for: proves a subscription is live."""
    ts = _now_ms()
    _publish(broker_url, device.code, "telemetry", {"ts": ts, "temperature": 21.5})
    _wait(
        lambda: Telemetry.objects.filter(device=device, key="temperature").exists(),
        "the probe telemetry being stored",
    )


@pytest.mark.slow
@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_a_smoke_event_from_mosquitto_pub_raises_alarm_case_and_notice(broker_url, tmp_path):
    _require_postgres()
    _mosquitto_pub()
    started = time.monotonic()
    _seed_demo()
    seeded = time.monotonic() - started
    device = Device.objects.select_related("compound__property_company", "type").get(
        code="WNJ-SMK-0101"
    )
    assert device.type.code == "smoke_detector"
    company = device.compound.property_company
    assert company is not None, "the demo compound has no property company"
    on_duty = oncall.first_responders(organisation=company, compound=device.compound)
    assert on_duty, "nobody of the property company is on duty now"

    ingest = _Ingest(broker_url, "test-e2e-smoke", tmp_path / "ingest.log")
    try:
        _wait(ingest.subscribing, "brain ingest subscribing")
        _probe(broker_url, device)

        published = time.monotonic()
        _publish(broker_url, device.code, "event", _smoke(f"smk-{uuid.uuid4().hex[:12]}"))
        acknowledged = time.monotonic() - published  # mosquitto_pub returns after PUBACK
        _wait(
            lambda: Alarm.objects.filter(device=device, type="smoke").exists(),
            "the smoke alarm",
            every=0.01,
        )
        latency = time.monotonic() - published
        # The case and the notice are written in the alarm's transaction: there already.
        print(
            f"\nE2E smoke: publish (mosquitto_pub start) → alarm row {latency * 1000:.0f} ms"
            f" (mosquitto_pub itself {acknowledged * 1000:.0f} ms;"
            f" demo seeding took {seeded:.1f} s)"
        )
    finally:
        code = ingest.stop()
    log = ingest.text()
    assert code == 0, log[-2000:]
    assert "Traceback" not in log, log[-4000:]

    alarm = Alarm.objects.active().get(device=device, type="smoke")  # exactly one
    assert Alarm.objects.filter(device=device).count() == 1
    assert alarm.count == 1 and alarm.severity == "critical"
    assert alarm.case is not None
    case = Case.objects.select_related("organisation").get(pk=alarm.case_id)
    assert case.organisation == company
    assert case.source == Source.DEVICE_ALARM
    assert case.compound_id == device.compound_id
    assert Case.objects.filter(source=Source.DEVICE_ALARM).count() == 1
    notices = Notice.objects.filter(
        urgent=True, related_id=str(alarm.pk), recipient__in=[p.pk for p in on_duty]
    )
    assert notices.exists(), list(
        Notice.objects.values_list("recipient__username", "urgent", "related_type", "related_id")
    )
    assert {n.recipient_id for n in notices} == {p.pk for p in on_duty}


REPEATS = 5  # the same smoke event, published again and again
DISTINCT = 6  # further smoke events of the same device, each with an id of its own


@pytest.mark.slow
@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_two_ingest_processes_racing_make_one_active_alarm(broker_url, tmp_path):
    _require_postgres()
    _mosquitto_pub()
    _seed_demo()
    device = Device.objects.select_related("compound__property_company").get(code="WNJ-SMK-0201")

    # Different batch windows, so the two cut the same stream at different places.
    first = _Ingest(broker_url, "test-e2e-race-1", tmp_path / "ingest-1.log", batch_ms=0)
    second = _Ingest(broker_url, "test-e2e-race-2", tmp_path / "ingest-2.log", batch_ms=50)
    published = 0
    try:
        _wait(lambda: first.subscribing() and second.subscribing(), "both processes subscribing")
        _probe(broker_url, device)
        published += 1

        same = _smoke("race-same")
        _publish_all(
            broker_url,
            device.code,
            [same] * REPEATS + [_smoke(f"race-{n}") for n in range(DISTINCT)],
        )
        published += REPEATS + DISTINCT
        distinct = 1 + DISTINCT

        # Each distinct event is stored once (by whichever process wins its insert) and
        # counted once on the alarm; a repeated event id is a duplicate, not a repeat.
        _wait(
            lambda: DeviceEvent.objects.filter(device=device).count() == distinct,
            "every distinct smoke event stored",
        )
        _wait(
            lambda: (
                Alarm.objects.filter(device=device, type="smoke")
                .values_list("count", flat=True)
                .first()
                == distinct
            ),
            f"the alarm counting {distinct} events",
        )
    finally:
        try:
            first.stop()
        finally:
            second.stop()
    codes = [first.proc.returncode, second.proc.returncode]

    logs = [first.text(), second.text()]
    for code, log in zip(codes, logs, strict=True):
        assert code == 0, log[-2000:]
        assert "IntegrityError" not in log, log[-4000:]
        assert "Traceback" not in log, log[-4000:]
    # Both processes really received every message: the race was a race.
    assert [first.received(), second.received()] == [published, published], logs

    alarm = Alarm.objects.active().get(device=device, type="smoke")  # exactly one
    assert Alarm.objects.filter(device=device, type="smoke").count() == 1
    assert alarm.count == distinct
    assert DeviceEvent.objects.filter(device=device).count() == distinct
    assert alarm.case is not None
    assert Case.objects.filter(source=Source.DEVICE_ALARM).count() == 1
    assert Case.objects.get(pk=alarm.case_id).organisation == device.compound.property_company
    notices = Notice.objects.filter(urgent=True, related_id=str(alarm.pk))
    assert notices.exists()
    assert notices.count() == len({(n.recipient_id, n.channel) for n in notices})
    print(
        f"\nE2E race: {published} messages to each of 2 processes (first stored by each:"
        f" {first.new()}, {second.new()}); one alarm, count {alarm.count}, case {alarm.case.code}"
    )
