"""The device simulator behind ``brain simulate``: the demo compounds' devices publish
realistic streams — values drifting within their normal band, telemetry from every device each
round, and now and then a fault: a smoke alarm, a gas spike held long enough to trip the rule,
a pressure drop, a tilted manhole cover, a lift fault, a device going offline for a while.

Over MQTT (QoS 1, ``cb/v1/<code>/…``, retained status) when a broker is configured, over the
HTTP ingest otherwise (each device with its own token, issued when the simulator starts).
Deterministic for a given ``seed``: the same devices make the same values and faults.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass, field

from community_brain.devices.models import Device

log = logging.getLogger(__name__)

# The normal band of each key (a fault leaves it); keys not here stay in their range's
# bottom fifth.
NORMAL = {
    "smoke": (0.0, 0.3),
    "temperature": (18.0, 28.0),
    "gas": (0.0, 5.0),
    "pressure": (0.3, 0.45),
    "level": (5.0, 15.0),
    "tilt": (0.0, 3.0),
    "floor": (1.0, 18.0),
    "speed": (0.0, 1.75),
    "open": (0.0, 0.0),
    "motion": (0.0, 30.0),
}
INTEGER_KEYS = {"floor", "open", "motion"}

# type code → (kind, what): "event" sends that event; "spike" holds a key at a value for
# some rounds (long enough for the rule's hold time).
FAULTS = {
    "smoke_detector": ("event", "smoke_alarm"),
    "gas_detector": ("spike", ("gas", 40.0)),
    "water_leak": ("event", "water_leak"),
    "fire_main_pressure": ("spike", ("pressure", 0.08)),
    "water_level": ("spike", ("level", 45.0)),
    "manhole_cover": ("spike", ("tilt", 25.0)),
    "fire_lane_camera": ("event", "lane_occupied"),
    "lift_monitor": ("event", "lift_fault"),
    "throw_camera": ("event", "object_thrown"),
    "ebike_detector": ("event", "ebike_in_lift"),
    "door_sensor": ("event", "door_open"),
    "elderly_activity": ("event", "fall"),
}
SPIKE_ROUNDS = 8
OFFLINE_ROUNDS = 6


@dataclass
class SimDevice:
    code: str
    type_code: str
    keys: dict
    values: dict[str, float] = field(default_factory=dict)
    battery: float = 90.0
    spike: tuple[str, float, int] | None = None  # key, value, rounds left
    offline_rounds: int = 0


@dataclass
class Round:
    telemetry: int = 0
    events: int = 0
    statuses: int = 0
    errors: int = 0
    faults: list[str] = field(default_factory=list)

    def line(self, n: int) -> str:
        text = (
            f"round {n}: {self.telemetry} telemetry, {self.events} events, "
            f"{self.statuses} status, {self.errors} errors"
        )
        return text + (f"; faults: {', '.join(self.faults)}" if self.faults else "")


def _band(key: str, spec: dict) -> tuple[float, float]:
    if key in NORMAL:
        return NORMAL[key]
    lo, hi = float(spec.get("min", 0)), float(spec.get("max", 100))
    return lo, lo + (hi - lo) / 5


class Simulator:
    def __init__(self, devices: list[Device], transport, *, seed: int = 1, faults: float = 0.01):
        self.rng = random.Random(seed)
        self.transport = transport
        self.fault_rate = faults
        self.devices = [
            SimDevice(
                d.code,
                d.type.code,
                {k: v for k, v in (d.type.keys or {}).items() if k != "battery"},
                battery=d.battery if d.battery is not None else 90.0,
            )
            for d in sorted(devices, key=lambda d: d.code)
        ]
        for sd in self.devices:
            for key, spec in sd.keys.items():
                lo, hi = _band(key, spec)
                sd.values[key] = self.rng.uniform(lo, hi)
        self.sent_events = 0

    # one round ------------------------------------------------------------------------------
    def step(self, now_ms: int) -> Round:
        r = Round()
        for sd in self.devices:
            if sd.offline_rounds:
                sd.offline_rounds -= 1
                if sd.offline_rounds == 0:
                    self._send(r, sd, "status", "online", "statuses")
                continue
            if self.rng.random() < self.fault_rate:
                self._fault(r, sd, now_ms)
                if sd.offline_rounds:
                    continue
            self._drift(sd)
            values = {k: self._shown(k, v) for k, v in sd.values.items()}
            if sd.spike:
                key, value, left = sd.spike
                values[key] = value
                sd.spike = (key, value, left - 1) if left > 1 else None
            sd.battery = max(5.0, sd.battery - self.rng.uniform(0, 0.02))
            values["battery"] = round(sd.battery, 1)
            payload = {"ts": now_ms, "values": values}
            self._send(r, sd, "telemetry", payload, "telemetry")
            if sd.type_code == "elderly_activity" and values.get("motion", 0) > 0:
                self._event(r, sd, "motion", now_ms, {"count": values["motion"]})
        return r

    def _drift(self, sd: SimDevice) -> None:
        for key, value in sd.values.items():
            lo, hi = _band(key, sd.keys[key])
            span = (hi - lo) or 1.0
            value += self.rng.gauss(0, span * 0.05)
            sd.values[key] = min(hi, max(lo, value))

    @staticmethod
    def _shown(key: str, value: float):
        return round(value) if key in INTEGER_KEYS else round(value, 3)

    def _fault(self, r: Round, sd: SimDevice, now_ms: int) -> None:
        if self.rng.random() < 0.2:
            sd.offline_rounds = OFFLINE_ROUNDS
            self._send(r, sd, "status", "offline", "statuses")
            r.faults.append(f"{sd.code} offline")
            return
        kind, what = FAULTS.get(sd.type_code, ("event", "fault"))
        if kind == "spike" and what[0] in sd.keys:
            sd.spike = (what[0], what[1], SPIKE_ROUNDS)
            r.faults.append(f"{sd.code} {what[0]}={what[1]}")
        else:
            self._event(r, sd, what, now_ms, {"simulated": True})
            r.faults.append(f"{sd.code} {what}")

    def _event(self, r: Round, sd: SimDevice, kind: str, now_ms: int, data: dict) -> None:
        self.sent_events += 1
        payload = {
            "id": f"sim-{now_ms}-{self.sent_events}",
            "type": kind,
            "ts": now_ms,
            "data": data,
        }
        self._send(r, sd, "event", payload, "events")

    def _send(self, r: Round, sd: SimDevice, kind: str, payload, counter: str) -> None:
        body = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        try:
            ok = self.transport.send(sd.code, kind, body)
        except Exception as exc:  # a network error loses one message, never the simulator
            log.warning("simulate: %s/%s not sent: %s", sd.code, kind, exc)
            ok = False
        if ok:
            setattr(r, counter, getattr(r, counter) + 1)
        else:
            r.errors += 1

    def run(self, *, rounds: int | None, every: float, say=print) -> list[Round]:
        """Run ``rounds`` rounds (forever if None), one every ``every`` seconds."""
        out, n = [], 0
        while rounds is None or n < rounds:
            started = time.monotonic()
            n += 1
            r = self.step(int(time.time() * 1000))
            out.append(r)
            say(r.line(n))
            if rounds is not None and n >= rounds:
                break
            time.sleep(max(0.0, every - (time.monotonic() - started)))
            if rounds is None:
                out.clear()  # keep no history when running for ever
        return out
