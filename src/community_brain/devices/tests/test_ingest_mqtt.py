"""Ingest end to end through a real Mosquitto: published messages are stored, the device is
online and seen; its last will marks it offline; refusals are counted, not fatal."""

from __future__ import annotations

import json
import threading
import time

import paho.mqtt.client as mqtt
import pytest
from django.db import OperationalError, connections
from django.utils import timezone

from community_brain.devices.ingest.mqtt import Ingest, broker_address, subscriptions
from community_brain.devices.ingest.publish import Publisher
from community_brain.devices.models import Device, DeviceEvent, IngestReject, Telemetry
from community_brain.devices.tests.conftest import make_ingest_device

pytestmark = [pytest.mark.mqtt, pytest.mark.django_db(transaction=True)]


def _holds(check) -> bool:
    try:
        return bool(check())
    except OperationalError:  # SQLite's shared in-memory test database: "table is locked"
        return False


def eventually(check, timeout=60.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while not _holds(check):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f}s")
        time.sleep(0.1)


class Running:
    """An ``Ingest`` in a thread of the test process."""

    def __init__(self, url, client_id):
        self.ingest = Ingest(url, client_id=client_id, batch_ms=20, report_seconds=0.5)
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        try:
            self.ingest.run()
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.ingest.ready.wait(30), "ingest never subscribed"
        return self.ingest

    def __exit__(self, *exc):
        self.ingest.stop()
        self.thread.join(60)
        assert not self.thread.is_alive()


def test_the_broker_address_is_read_from_the_url():
    a = broker_address("mqtt://ingest:p%40ss@broker.local:1884")
    assert (a.host, a.port, a.username, a.password, a.tls) == (
        "broker.local",
        1884,
        "ingest",
        "p@ss",
        False,
    )
    assert broker_address("mqtts://h").port == 8883
    with pytest.raises(ValueError, match="MQTT_URL must look like"):
        broker_address("http://h")
    assert subscriptions("g1")[0] == ("$share/g1/cb/v1/+/telemetry", 1)


def test_published_messages_are_stored_and_the_device_is_online(broker_url):
    device = make_ingest_device("E-1")
    started = timezone.now()
    now_ms = int(time.time() * 1000) - 60_000
    with Running(broker_url, "test-e2e"), Publisher(broker_url) as publisher:
        for i in range(200):
            publisher.publish("cb/v1/E-1/telemetry", json.dumps({"ts": now_ms + i, "temp": i % 50}))
        publisher.publish(
            "cb/v1/E-1/event", json.dumps({"id": "a1", "type": "smoke_alarm", "ts": now_ms})
        )
        publisher.publish("cb/v1/E-1/telemetry", b"not json")
        publisher.publish("cb/v1/NOBODY/telemetry", b"{}")
        publisher.wait()
        eventually(lambda: IngestReject.objects.count() == 2, what="counting the refusals")
        eventually(lambda: Telemetry.objects.filter(device=device).count() == 200)
    device.refresh_from_db()
    assert device.online and device.last_seen >= started
    assert DeviceEvent.objects.get(device=device).type == "smoke_alarm"
    assert set(IngestReject.objects.values_list("device_code", "reason")) == {
        ("E-1", "not_json"),
        ("NOBODY", "unknown_device"),
    }


def test_the_last_will_marks_the_device_offline(broker_url):
    make_ingest_device("W-1")
    a = broker_address(broker_url)
    with Running(broker_url, "test-will"):
        dev = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="W-1")
        dev.will_set("cb/v1/W-1/status", "offline", qos=1, retain=True)
        dev.connect(a.host, a.port, keepalive=5)
        dev.loop_start()
        dev.publish("cb/v1/W-1/status", "online", qos=1, retain=True).wait_for_publish(10)
        eventually(lambda: Device.objects.get(code="W-1").online, what="the device going online")
        dev.loop_stop()
        dev.socket().close()  # gone without a DISCONNECT: the broker publishes the will
        eventually(
            lambda: not Device.objects.get(code="W-1").online, what="the last will being stored"
        )
    device = Device.objects.get(code="W-1")
    assert device.status_changed_at is not None and not device.online


def test_without_mqtt_url_the_command_says_what_to_set(settings):
    from django.core.management import CommandError, call_command

    settings.MQTT_URL = None
    with pytest.raises(CommandError, match="MQTT_URL is not set"):
        call_command("ingest")


def test_nothing_is_acknowledged_while_the_database_is_away(monkeypatch):
    """The writer retries a batch the database could not take, and acknowledges it only
    once it has been stored."""
    from community_brain.devices.ingest.batcher import Counts

    ingest = Ingest("mqtt://127.0.0.1:1", client_id="test-outage", batch_ms=0)
    acked, attempts = [], []

    def handle(batch):
        attempts.append(len(batch))
        if len(attempts) < 3:
            assert acked == []
            raise OperationalError("the server closed the connection")
        return Counts(received=len(batch), stored=len(batch))

    monkeypatch.setattr(ingest.batcher, "handle", handle)
    monkeypatch.setattr(
        "community_brain.devices.ingest.mqtt.acknowledge",
        lambda client, batch: acked.extend(mid for _, _, mid, _ in batch),
    )
    monkeypatch.setattr("community_brain.devices.ingest.mqtt.RETRY_FIRST_SECONDS", 0.01)
    for mid in (1, 2, 3):
        ingest.queue.put(("cb/v1/X/telemetry", b"{}", mid, 1))
    writer = threading.Thread(target=ingest._write_loop)
    writer.start()
    eventually(lambda: acked == [1, 2, 3], what="the acknowledgements")
    ingest.stop()
    writer.join(10)
    assert attempts == [3, 3, 3] and ingest.counts.stored == 3


def test_two_processes_in_a_shared_subscription_split_the_stream(broker_url):
    device = make_ingest_device("SH-1")
    now_ms = int(time.time() * 1000) - 60_000
    one = Running(broker_url, "test-shared-1")
    two = Running(broker_url, "test-shared-2")
    for running in (one, two):
        running.ingest = Ingest(
            broker_url, client_id=running.ingest.client_id, shared="ingest", batch_ms=20
        )
    with one, two, Publisher(broker_url) as publisher:
        for i in range(400):
            publisher.publish("cb/v1/SH-1/telemetry", json.dumps({"ts": now_ms + i, "temp": 1}))
        publisher.wait()
        eventually(lambda: Telemetry.objects.filter(device=device).count() == 400)
        eventually(lambda: one.ingest.counts.received + two.ingest.counts.received == 400)
    assert one.ingest.counts.received and two.ingest.counts.received  # both had a share
