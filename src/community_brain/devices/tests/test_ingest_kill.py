"""``kill -9`` of a real ``brain ingest`` in the middle of a 100,000-message QoS 1 stream,
then a restart: every message is stored exactly once (acknowledged only after commit, the
session persistent, the store idempotent)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from community_brain.devices.ingest.publish import Publisher
from community_brain.devices.models import Device, Telemetry
from community_brain.devices.tests.conftest import make_ingest_device

N_DEVICES = 10
N_MESSAGES = 100_000


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait(check, timeout, what):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout}s")
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.mqtt
@pytest.mark.django_db(transaction=True)
def test_kill_9_in_mid_stream_loses_and_duplicates_nothing(broker_url, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the ingest process needs a database server; the PostgreSQL run covers it")
    devices = [make_ingest_device(f"K-{i}") for i in range(N_DEVICES)]
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MQTT_URL": broker_url,
        "INGEST_CLIENT_ID": "test-kill-9",
        "LOG_LEVEL": "INFO",
    }
    brain = [sys.executable, "-c", "from community_brain.cli import main; main()", "ingest"]
    log = open(tmp_path / "ingest.log", "ab")  # noqa: SIM115 - closed below

    def start():
        return subprocess.Popen([*brain, "--report-seconds", "1"], env=env, stdout=log, stderr=log)

    first = start()
    try:
        with Publisher(broker_url) as publisher:  # the retained status proves the subscription
            publisher.publish("cb/v1/K-0/status", "online", retain=True)
        _wait(lambda: Device.objects.get(code="K-0").online, 60, "ingest subscribing")

        base = int((datetime.now(UTC) - timedelta(hours=1)).timestamp() * 1000)

        def stream():
            with Publisher(broker_url) as publisher:
                for i in range(N_MESSAGES):
                    code = f"K-{i % N_DEVICES}"
                    body = {"ts": base + i // N_DEVICES, "temp": (i % 100) - 20}
                    publisher.publish(f"cb/v1/{code}/telemetry", json.dumps(body))

        publishing = threading.Thread(target=stream)
        publishing.start()
        _wait(lambda: Telemetry.objects.count() >= 20_000, 120, "the first 20,000 points")
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        killed_at = Telemetry.objects.count()
        second = start()
        try:
            publishing.join(300)
            assert not publishing.is_alive(), "the publisher did not finish"
            _wait(lambda: Telemetry.objects.count() >= N_MESSAGES, 300, "all points stored")
            second.send_signal(signal.SIGTERM)
            assert second.wait(60) == 0
        finally:
            if second.poll() is None:
                second.kill()
    finally:
        if first.poll() is None:
            first.kill()
        log.close()

    assert killed_at < N_MESSAGES, "the kill came too late to prove anything"
    expected = {(devices[i % N_DEVICES].pk, base + i // N_DEVICES) for i in range(N_MESSAGES)}
    stored = [
        (d, int(ts.timestamp() * 1000))
        for d, ts in Telemetry.objects.filter(key="temp").values_list("device_id", "ts")
    ]
    assert len(stored) == N_MESSAGES == len(expected)
    assert set(stored) == expected  # nothing missing, nothing extra, nothing twice
