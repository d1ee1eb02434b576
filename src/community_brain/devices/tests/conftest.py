"""Fixtures of the devices tests: a private MQTT broker and a minimal device registry."""

from __future__ import annotations

import pytest

from community_brain.conftest import service_missing

SENSOR_KEYS = {
    "temp": {"label": "温度", "unit": "°C", "min": -40, "max": 125},
    "level": {"label": "水位", "unit": "m", "min": 0, "max": 10},
}


@pytest.fixture(autouse=True)
def _fresh_device_cache():
    """The ingest cache outlives a test's rolled-back database: start each test empty."""
    from community_brain.devices.ingest.devices import default_cache

    default_cache.clear()
    yield
    default_cache.clear()


@pytest.fixture
def broker_url():
    """``mqtt://127.0.0.1:<port>`` of a Mosquitto started for this test with the lossless
    configuration; skipped (failed with REQUIRE_SERVICES=1) without the binary."""
    from community_brain.devices.ingest.broker import mosquitto_binary, private_broker

    if not mosquitto_binary():
        service_missing("mosquitto (/usr/sbin/mosquitto)")
    with private_broker() as url:
        yield url


def make_ingest_device(code="S-1", *, keys=None, events=("smoke_alarm", "tamper"), **fields):
    """A device of a small sensor type in a compound of its own (the demo types are seeded
    elsewhere)."""
    from community_brain.devices.models import Device, DeviceType
    from community_brain.places.models import Community, Compound

    community, _ = Community.objects.get_or_create(code="ING", defaults={"name": "接入测试社区"})
    compound, _ = Compound.objects.get_or_create(
        code="ING-1", defaults={"community": community, "name": "接入测试小区"}
    )
    kind, _ = DeviceType.objects.get_or_create(
        code="ingest-sensor",
        defaults={
            "name": "测试传感器",
            "keys": SENSOR_KEYS if keys is None else keys,
            "events": list(events),
        },
    )
    return Device.objects.create(
        code=code, name=f"传感器 {code}", type=kind, compound=compound, **fields
    )


@pytest.fixture(autouse=True)
def _fresh_rule_table():
    """Each test starts with the engine's rule table read afresh."""
    from community_brain.devices import rules

    rules.forget_table()
    yield
    rules.forget_table()


@pytest.fixture
def smoke(world):
    """A smoke-detector type (rules tests); a test module may define its own."""
    from community_brain.devices.tests.test_rules_engine import make_type

    return make_type()


@pytest.fixture
def device(world, smoke):
    from community_brain.devices.tests.test_rules_engine import make_device

    return make_device(world, smoke)
