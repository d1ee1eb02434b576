"""The demo compounds' devices: a few dozen per compound, codes like WNJ-SMK-0101, near their
buildings, activity sensors in the homes of people living alone; deterministic and seeded
once."""

import re

import pytest

from community_brain.demo import cases, register
from community_brain.demo import devices as demo_devices
from community_brain.devices.models import Device, DeviceType, Rule


@pytest.mark.slow
def test_demo_devices_are_seeded_once_near_their_buildings(db):
    register.seed()
    cases.seed()
    made = demo_devices.seed()
    assert made == Device.objects.count()
    assert DeviceType.objects.count() == 12
    per_compound = {}
    for device in Device.objects.select_related("compound", "building", "type"):
        per_compound.setdefault(device.compound.code, set()).add(device.type.code)
        assert re.fullmatch(r"(WNJ|HXS|LHYJ|LHMZ)-[A-Z]{3}-\d{4}", device.code)
        if device.building:
            assert abs(device.lat - device.building.lat) < 0.001
            assert abs(device.lng - device.building.lng) < 0.001
    assert set(per_compound) == {"WNJ", "HXS", "LHYJ", "LHMZ"}
    for code, types in per_compound.items():
        assert len(types) == 12, (code, types)
        assert 30 <= Device.objects.filter(compound__code=code).count() <= 120
    smoke = Device.objects.get(code="WNJ-SMK-0101")
    assert smoke.building.number == 1 and smoke.type.code == "smoke_detector"
    for home in Device.objects.filter(type__code="elderly_activity")[:5]:
        assert home.location  # the household's address

    assert Rule.objects.get(name="烟感报警").category.name == "安全隐患"
    assert Rule.objects.get(name="可燃气体浓度超标").category.name == "燃气泄漏隐患"
    codes = list(Device.objects.order_by("code").values_list("code", "lat", "battery"))
    assert demo_devices.seed() == 0
    assert list(Device.objects.order_by("code").values_list("code", "lat", "battery")) == codes
