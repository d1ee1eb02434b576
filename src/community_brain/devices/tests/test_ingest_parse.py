"""Parsing device messages: every accepted shape, every reason to refuse, and no input that
makes it raise anything but ``Rejected``."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from community_brain.devices.choices import RejectReason
from community_brain.devices.ingest.parse import DeviceReading, Rejected, parse
from community_brain.devices.messages import Event, Reading, Status
from community_brain.devices.tests.conftest import make_ingest_device

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)


def p(kind, payload, code="S-1"):
    if not isinstance(payload, bytes):
        payload = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
    return parse(kind, code, payload, now=NOW)


def refused(kind, payload, code="S-1") -> Rejected:
    with pytest.raises(Rejected) as info:
        p(kind, payload, code)
    return info.value


@pytest.fixture
def device():
    return make_ingest_device("S-1")


def test_telemetry_with_values_and_ts(device):
    m = p("telemetry", {"ts": NOW_MS - 1500, "values": {"temp": 21.5, "level": 3}})
    assert m == Reading(
        device_id=device.pk,
        ts=NOW - timedelta(milliseconds=1500),
        values={"temp": 21.5, "level": 3.0},
    )


def test_flat_telemetry_without_ts_is_stamped_on_receipt(device):
    m = p("telemetry", {"temp": 20, "level": True})
    assert m.ts == NOW and m.values == {"temp": 20.0, "level": 1.0}


def test_battery_and_firmware_are_accepted_from_any_device(device):
    m = p("telemetry", {"values": {"battery": 87, "firmware": "1.4.2"}})
    assert isinstance(m, DeviceReading) and m.values == {"battery": 87.0} and m.firmware == "1.4.2"


def test_event_and_status(device):
    e = p("event", {"id": 42, "type": "smoke_alarm", "ts": NOW_MS, "data": {"db": 3.1}})
    assert e == Event(device.pk, "42", "smoke_alarm", NOW, {"db": 3.1})
    assert p("status", "offline") == Status(device.pk, False, NOW)
    assert p("status", b" Online\n").online is True


@pytest.mark.parametrize(
    ("kind", "payload", "reason"),
    [
        ("telemetry", b"{not json", RejectReason.NOT_JSON),
        ("telemetry", b"\xff\xfe", RejectReason.NOT_JSON),
        ("telemetry", b'{"temp": NaN}', RejectReason.NOT_JSON),
        ("telemetry", [1, 2], RejectReason.BAD_SHAPE),
        ("telemetry", {}, RejectReason.BAD_SHAPE),
        ("telemetry", {"values": [1]}, RejectReason.BAD_SHAPE),
        ("telemetry", {"values": {"temp": 1}, "extra": 1}, RejectReason.BAD_SHAPE),
        ("telemetry", {"ts": "yesterday", "temp": 1}, RejectReason.BAD_TIME),
        ("telemetry", {"ts": NOW_MS + 6 * 60_000, "temp": 1}, RejectReason.BAD_TIME),
        ("telemetry", {"ts": NOW_MS // 1000, "temp": 1}, RejectReason.BAD_TIME),
        ("telemetry", {"humidity": 50}, RejectReason.UNKNOWN_KEY),
        ("telemetry", {"temp": "hot"}, RejectReason.BAD_VALUE),
        ("telemetry", {"temp": 200}, RejectReason.BAD_VALUE),
        ("telemetry", {"level": -1}, RejectReason.BAD_VALUE),
        ("telemetry", {"battery": 101}, RejectReason.BAD_VALUE),
        ("telemetry", {"temp": None}, RejectReason.BAD_VALUE),
        ("telemetry", '{"temp": 1, "x": "\\u0000"}', RejectReason.BAD_VALUE),
        ("telemetry", b"{" + b" " * 20000 + b"}", RejectReason.TOO_LARGE),
        ("event", {"type": "smoke_alarm", "ts": NOW_MS}, RejectReason.BAD_SHAPE),
        ("event", {"id": "1", "type": "fire", "ts": NOW_MS}, RejectReason.UNKNOWN_EVENT),
        ("event", {"id": "1", "type": "smoke_alarm"}, RejectReason.BAD_TIME),
        (
            "event",
            {"id": "1", "type": "smoke_alarm", "ts": NOW_MS, "data": 3},
            RejectReason.BAD_SHAPE,
        ),
        ("event", {"id": "x" * 65, "type": "smoke_alarm", "ts": NOW_MS}, RejectReason.BAD_SHAPE),
        ("status", b"maybe", RejectReason.BAD_SHAPE),
        ("other", b"{}", RejectReason.BAD_SHAPE),
    ],
)
def test_refusals_name_the_reason(device, kind, payload, reason):
    assert refused(kind, payload).reason == reason


def test_the_seconds_mistake_is_explained(device):
    assert "seconds" in refused("telemetry", {"ts": NOW_MS // 1000, "temp": 1}).detail


def test_unknown_and_switched_off_devices(device):
    assert refused("telemetry", {"temp": 1}, code="NOPE").reason == RejectReason.UNKNOWN_DEVICE
    assert refused("telemetry", {"temp": 1}, code="").reason == RejectReason.UNKNOWN_DEVICE
    make_ingest_device("OFF-1", is_active=False)
    assert refused("telemetry", {"temp": 1}, code="OFF-1").reason == RejectReason.INACTIVE_DEVICE


def test_the_device_cache_does_not_query_per_message(device, django_assert_max_num_queries):
    p("telemetry", {"temp": 1})
    with django_assert_max_num_queries(0):
        for _ in range(100):
            p("telemetry", {"temp": 1})


def _random_json(rng: random.Random, depth=0):
    choice = rng.randrange(9 if depth < 4 else 6)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([True, False])
    if choice == 2:
        return rng.choice([0, -1, 1e308, -1e-308, 2**70, NOW_MS, 3.5, 10**400 // 10**399])
    if choice == 3:
        return rng.choice(["", "online", "temp", "ts", "smoke_alarm", "\u4e2d", "\ud800x"[1:]])
    if choice in (4, 5):
        return rng.uniform(-1e6, 1e6)
    if choice in (6, 7):
        keys = ["ts", "values", "temp", "level", "id", "type", "data", "battery", "firmware", "z"]
        return {rng.choice(keys): _random_json(rng, depth + 1) for _ in range(rng.randrange(5))}
    return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]


def test_fuzz_no_input_crashes(device):
    rng = random.Random(5)
    payloads = [
        b"",
        b"[" * 15_000,
        b'{"a":' * 3000,
        b"1e999999",
        b'"\\ud800"',
        b"\x00",
        bytes(range(256)),
    ]
    for _ in range(3000):
        value = _random_json(rng)
        raw = json.dumps(value).encode()
        if rng.random() < 0.2:  # mangle some bytes
            raw = bytearray(raw)
            for _ in range(rng.randrange(1, 4)):
                if raw:
                    raw[rng.randrange(len(raw))] = rng.randrange(256)
            raw = bytes(raw)
        payloads.append(raw)
    accepted, refusals = [], []
    for raw in payloads:
        for kind in ("telemetry", "event", "status"):
            try:
                accepted.append(parse(kind, "S-1", raw, now=NOW))
            except Rejected as refusal:
                refusals.append(refusal)
    assert accepted and all(m.device_id == device.pk for m in accepted)
    assert refusals and all(
        r.reason in RejectReason.values and len(r.detail) <= 300 for r in refusals
    )
