"""Seed the demo compounds' monitoring devices: smoke detectors in every building, gas
detectors in some, lift monitors, e-bike detectors and throw cameras on the high-rises, water
level and leak sensors in the garage and pump room, manhole covers, fire-main pressure,
fire-lane cameras, door sensors, and an activity sensor in the home of each (of the first few)
residents living alone over 65 (tagged 独居老人).

Codes read ``<compound>-<type>-<building><nn>``: ``WNJ-SMK-0101`` is the first smoke detector
of 维纳锦's building 1; devices outside a building use building ``00``. Deterministic (a fixed
random seed) and idempotent: only codes not yet registered are created, in one bulk insert.
"""

from __future__ import annotations

import random

from django.db import transaction
from django.utils import timezone

from community_brain.core import audit
from community_brain.devices import catalogue, services
from community_brain.devices.models import Device, DeviceType
from community_brain.places.models import Building, Compound, Household

SEED = 20260
ELDERLY_PER_COMPOUND = 8
COMPOUND_CODES = ["WNJ", "HXS", "LHYJ", "LHMZ"]

# type code, where, how many, name suffix — for devices that are not one per building
SITE_DEVICES = [
    ("water_level", "地下车库集水井", 2),
    ("water_leak", "水泵房", 1),
    ("water_leak", "地下车库配电室", 1),
    ("manhole_cover", "小区主干道", 4),
    ("fire_main_pressure", "消防泵房", 2),
    ("fire_lane_camera", "消防通道", 2),
    ("door_sensor", "消防泵房门", 1),
    ("door_sensor", "地下车库入口门", 1),
]


def _code(compound: Compound, spec: catalogue.TypeSpec, building: int, n: int) -> str:
    return f"{compound.code}-{spec.abbr}-{building:02d}{n:02d}"


def _near(rng: random.Random, lat, lng, spread: float = 0.0002) -> tuple:
    if lat is None or lng is None:
        return None, None
    return (
        round(lat + rng.uniform(-spread, spread), 6),
        round(lng + rng.uniform(-spread, spread), 6),
    )


def _plan(compound: Compound, types: dict[str, DeviceType], rng: random.Random) -> list[Device]:
    """Every device the compound should have, unsaved."""
    out: list[Device] = []
    now = timezone.now()

    def add(type_code, building, n, name, location, lat, lng, household=None):
        spec = catalogue.BY_CODE[type_code]
        lat, lng = _near(rng, lat, lng)
        out.append(
            Device(
                code=_code(compound, spec, building.number if building else 0, n),
                name=name,
                type=types[type_code],
                compound=compound,
                building=building,
                location=location,
                lat=lat,
                lng=lng,
                online=True,
                last_seen=now,
                status_changed_at=now,
                battery=round(rng.uniform(55, 100), 1),
                firmware=rng.choice(["1.2.0", "1.2.3", "2.0.1"]),
            )
        )

    buildings = list(Building.objects.filter(compound=compound).order_by("number"))
    for b in buildings:
        high = b.floors >= 11
        for unit in range(1, (b.units or 1) + 1):
            add(
                "smoke_detector",
                b,
                unit,
                f"{b.name}{unit}单元烟感",
                f"{unit}单元楼道",
                b.lat,
                b.lng,
            )
        if b.number % 3 == 1:
            add("gas_detector", b, 1, f"{b.name}燃气探测", "1单元燃气管井", b.lat, b.lng)
        if high:
            add("lift_monitor", b, 1, f"{b.name}电梯监测", "1单元电梯", b.lat, b.lng)
            if b.number % 2 == 0:
                add("ebike_detector", b, 1, f"{b.name}电动车入梯", "1单元电梯轿厢", b.lat, b.lng)
    high_rises = [b for b in buildings if b.floors >= 11][:2]
    for i, b in enumerate(high_rises, 1):
        add("throw_camera", b, i, f"{b.name}高空抛物监控", "楼前广场", b.lat, b.lng)
    counters: dict[str, int] = {}
    for type_code, where, count in SITE_DEVICES:
        spec = catalogue.BY_CODE[type_code]
        for _ in range(count):
            counters[type_code] = n = counters.get(type_code, 0) + 1
            add(type_code, None, n, f"{where}{spec.name}", where, compound.lat, compound.lng)
    homes = (
        Household.objects.filter(
            building__compound=compound,
            members__tags__code="elderly_alone",
        )
        .select_related("building")
        .distinct()
        .order_by("code")[:ELDERLY_PER_COMPOUND]
    )
    for n, home in enumerate(homes, 1):
        b = home.building
        add(
            "elderly_activity",
            b,
            50 + n,
            f"{home.address}活动监测",
            home.address,
            b.lat,
            b.lng,
        )
    return out


@transaction.atomic
def seed() -> int:
    """Create the demo devices that are missing. Returns how many were made."""
    types = services.ensure_catalogue()
    rng = random.Random(SEED)
    existing = set(Device.objects.values_list("code", flat=True))
    missing: list[Device] = []
    for compound in Compound.objects.filter(code__in=COMPOUND_CODES).order_by("code"):
        missing += [d for d in _plan(compound, types, rng) if d.code not in existing]
    if missing:
        Device.objects.bulk_create(missing, batch_size=500)
        audit.record("demo.seed", None, summary="devices", data={"devices": len(missing)})
    return len(missing)
