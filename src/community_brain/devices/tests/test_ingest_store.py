"""Storing parsed messages: once, whatever is repeated; the device's state updated once per
batch; refusals counted; a batch with a bad message does not lose the good ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from community_brain.devices import engine
from community_brain.devices.choices import RejectReason
from community_brain.devices.ingest import accept_one
from community_brain.devices.ingest.batcher import Batcher, split_topic
from community_brain.devices.ingest.parse import Rejected
from community_brain.devices.ingest.store import count_rejects, store
from community_brain.devices.messages import Event, Reading, Status
from community_brain.devices.models import DeviceEvent, IngestReject, Telemetry
from community_brain.devices.tests.conftest import make_ingest_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen(monkeypatch):
    """What the rules engine is handed."""
    calls: list[list] = []
    monkeypatch.setattr(engine, "process", lambda messages: calls.append(list(messages)))
    return calls


def ts(seconds_ago=0) -> datetime:
    moment = timezone.now().astimezone(UTC) - timedelta(seconds=seconds_ago)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def test_the_same_message_twice_is_stored_once(seen):
    device = make_ingest_device()
    reading = Reading(device.pk, ts(5), {"temp": 20.5, "level": 1.0})
    event = Event(device.pk, "e-1", "smoke_alarm", ts(5), {"db": 2})
    assert store([reading, event, reading, event]) == [
        reading,
        event,
        Status(device.pk, True, seen[0][-1].ts),
    ]
    assert store([reading, event]) == []
    assert Telemetry.objects.count() == 2 and DeviceEvent.objects.get().data == {"db": 2}
    assert [len(c) for c in seen] == [3, 0]


def test_a_partly_new_reading_is_passed_on_with_its_new_values(seen):
    device = make_ingest_device()
    moment = ts(5)
    store([Reading(device.pk, moment, {"temp": 20.0})])
    (new,) = store([Reading(device.pk, moment, {"temp": 20.0, "level": 2.0})])
    assert new.values == {"level": 2.0}


def test_device_state_follows_its_messages(seen):
    device = make_ingest_device()
    store([Reading(device.pk, ts(1), {"battery": 55.0, "temp": 1.0})])
    device.refresh_from_db()
    assert device.online and device.last_seen and device.battery == 55.0
    online_since = device.status_changed_at
    store([Reading(device.pk, ts(0), {"temp": 2.0})])
    device.refresh_from_db()
    assert device.status_changed_at == online_since  # still online: no change
    changes = store([Status(device.pk, False, ts(0))])
    device.refresh_from_db()
    assert not device.online and device.status_changed_at > online_since
    assert changes == [Status(device.pk, False, changes[0].ts)]
    assert store([Status(device.pk, False, ts(0))]) == []  # the will again: nothing new


def test_firmware_reported_in_telemetry_updates_the_registry(seen):
    device = make_ingest_device()
    accept_one("telemetry", device.code, json.dumps({"values": {"firmware": "2.0.1"}}).encode())
    device.refresh_from_db()
    assert device.firmware == "2.0.1" and device.online


def test_refusals_are_counted_per_device_and_reason():
    make_ingest_device()
    for _ in range(3):
        with pytest.raises(Rejected):
            accept_one("telemetry", "S-1", b'{"humidity": 3}')
    count_rejects(
        [("S-1", Rejected(RejectReason.UNKNOWN_KEY, "again"), b"\x00x")] * 2
        + [("GHOST", Rejected(RejectReason.UNKNOWN_DEVICE, "who"), b"{}")]
    )
    rows = {(r.device_code, r.reason): r for r in IngestReject.objects.all()}
    assert (
        rows["S-1", "unknown_key"].count == 5 and rows["S-1", "unknown_key"].last_detail == "again"
    )
    assert rows["GHOST", "unknown_device"].count == 1
    assert "\x00" not in rows["S-1", "unknown_key"].last_payload


def test_topics_are_split_into_code_and_kind():
    assert split_topic("cb/v1/S-1/telemetry") == ("S-1", "telemetry")
    assert split_topic("other/S-1/telemetry") == ("", "")


def test_a_batch_with_a_poisoned_message_keeps_the_rest(monkeypatch):
    device = make_ingest_device()

    def choke_on_level_7(messages):
        if any(isinstance(m, Reading) and m.values.get("level") == 7 for m in messages):
            raise ValueError("the rules cannot digest level 7")

    monkeypatch.setattr(engine, "process", choke_on_level_7)
    now_ms = int(ts(10).timestamp() * 1000)
    batch = [
        ("cb/v1/S-1/telemetry", json.dumps({"ts": now_ms + i, "level": i}).encode())
        for i in range(10)
    ] + [("cb/v1/GHOST/telemetry", b"{}")]
    counts = Batcher().handle(batch)
    assert counts.received == 11 and counts.stored == 9 and counts.rejected == 2
    assert Telemetry.objects.filter(device=device).count() == 9
    assert not Telemetry.objects.filter(value=7).exists()
    culprit = IngestReject.objects.get(device_code="S-1")
    assert culprit.reason == RejectReason.BAD_VALUE and "level 7" in culprit.last_detail
    assert json.loads(culprit.last_payload)["level"] == 7


def test_a_redelivered_batch_counts_duplicates():
    make_ingest_device()
    now_ms = int(ts(10).timestamp() * 1000)
    batch = [
        ("cb/v1/S-1/telemetry", json.dumps({"ts": now_ms + i, "temp": i}).encode())
        for i in range(5)
    ]
    Batcher().handle(batch)
    again = Batcher().handle(batch)
    assert again.stored == 5 and again.duplicates == 5 and Telemetry.objects.count() == 5
