"""Helpers of the registry, page, HTTP-ingest and simulator tests: the catalogue's types and
a few devices in the test world's two compounds."""

from __future__ import annotations

from django.utils import timezone

from community_brain.devices import services
from community_brain.devices.models import Device


def make_devices(world) -> dict[str, Device]:
    """Types and default rules, and in compound a (甲小区): a smoke detector, a gas detector
    and a pressure gauge; in compound b (乙小区): a smoke detector."""
    types = services.ensure_catalogue()
    now = timezone.now()
    spec = [
        ("CA-SMK-0101", "smoke_detector", "a", "a1", True),
        ("CA-GAS-0101", "gas_detector", "a", "a1", True),
        ("CA-FMP-0001", "fire_main_pressure", "a", None, False),
        ("CB-SMK-0101", "smoke_detector", "b", "b1", True),
    ]
    out = {}
    for code, type_code, compound, building, online in spec:
        out[code] = Device.objects.create(
            code=code,
            name=f"测试{code}",
            type=types[type_code],
            compound=world.compounds[compound],
            building=world.buildings[building] if building else None,
            online=online,
            last_seen=now if online else None,
            battery=80.0,
        )
    return out
