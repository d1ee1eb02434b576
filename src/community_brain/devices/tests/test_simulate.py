"""``brain simulate``: one round over the HTTP ingest against a live server stores telemetry
from every device; the streams are deterministic for a seed and faults trip real rules."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from community_brain.devices.models import Device, DeviceEvent, Telemetry
from community_brain.devices.simulator import NORMAL, Simulator
from community_brain.devices.tests.registry import make_devices


class Recorder:
    def __init__(self):
        self.sent = []

    def send(self, code, kind, body):
        self.sent.append((code, kind, body if kind == "status" else json.loads(body)))
        return True


def _streams(devices, seed, faults, rounds=3):
    recorder = Recorder()
    sim = Simulator(devices, recorder, seed=seed, faults=faults)
    for n in range(rounds):
        sim.step(1_000_000 + n * 10_000)
    return recorder.sent


def test_streams_are_deterministic_stay_in_band_and_faults_happen(world):
    devices = list(make_devices(world).values())
    first, again = _streams(devices, 7, 0.0), _streams(devices, 7, 0.0)
    assert first == again and first != _streams(devices, 8, 0.0)
    assert {(code, kind) for code, kind, _ in first} == {(d.code, "telemetry") for d in devices}
    for _code, _kind, body in first:
        for key, value in body["values"].items():
            if key in NORMAL:
                lo, hi = NORMAL[key]
                assert lo <= value <= hi, (key, value)
    faulty = _streams(devices, 7, 1.0, rounds=1)
    kinds = {(code, kind) for code, kind, _ in faulty}
    assert ("CA-SMK-0101", "event") in kinds or ("CA-SMK-0101", "status") in kinds
    gas = [b for c, k, b in faulty if c == "CA-GAS-0101" and k == "telemetry"]
    offline = [b for c, k, b in faulty if c == "CA-GAS-0101" and k == "status"]
    assert (gas and gas[0]["values"]["gas"] == 40.0) or offline == [b"offline"]


@pytest.mark.django_db(transaction=True)
def test_simulate_once_over_http_against_the_live_server(live_world, live_server):
    make_devices(live_world)
    out = StringIO()
    call_command(
        "simulate",
        "--once",
        "--http",  # even where MQTT_URL is set (CI sets it)
        "--url",
        live_server.url,
        "--compound",
        "CA",
        "--compound",
        "CB",
        "--seed",
        "3",
        "--faults",
        "0",
        stdout=out,
    )
    text = out.getvalue()
    assert "simulating 4 devices over HTTP" in text
    assert "round 1: 4 telemetry, 0 events, 0 status, 0 errors" in text, text
    for device in Device.objects.all():
        assert Telemetry.objects.filter(device=device, key="battery").count() == 1
    assert Telemetry.objects.filter(key="gas").count() == 1
    assert not DeviceEvent.objects.exists()


def test_simulate_needs_devices(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="seed-demo"):
        call_command("simulate", "--once", "--compound", "NOPE")
