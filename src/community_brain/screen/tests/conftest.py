"""Fixtures of the screen's tests: a world with cases in several states, devices, alarms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def scene(world):
    return build_scene(world)


@pytest.fixture
def live_scene(live_world):
    return build_scene(live_world)


def build_scene(world) -> dict:
    """Cases in several states and months, three devices (one offline), two active alarms."""
    from community_brain.cases import services
    from community_brain.cases.models import Case
    from community_brain.devices.alarms import raise_alarm
    from community_brain.devices.models import Device, DeviceType
    from community_brain.notify.models import Shift
    from community_brain.screen import readmodel
    from community_brain.testing import make_case_setup, report_case

    for n, compound in enumerate(world.compounds.values()):
        lng, lat = 118.10 + n * 0.01, 37.17
        compound.lng, compound.lat = lng + 0.002, lat + 0.0015
        ring = [[lng, lat], [lng + 0.004, lat], [lng + 0.004, lat + 0.003], [lng, lat + 0.003]]
        compound.outline = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
        compound.save()
    cats = make_case_setup(world)
    staff, prop = world.users["staff"], world.users["property"]
    done = report_case(world, cats, title="楼道灯坏了很久")
    services.start(done, by=prop, note="去修")
    services.resolve(done, by=prop, result="换了灯泡")
    report_case(world, cats, category="road", compound="b", title="路面塌陷一处")
    report_case(world, cats, category="noise", title="楼上装修太吵")
    old = report_case(world, cats, title="去年的问题一件")
    Case.objects.filter(pk=old.pk).update(reported_at=timezone.now() - timedelta(days=400))
    late = report_case(world, cats, title="超期未办的问题")
    Case.objects.filter(pk=late.pk).update(is_overdue=True)
    kind = DeviceType.objects.create(code="smoke", name="烟感", keys={}, events=["smoke_alarm"])
    devices = [
        Device.objects.create(
            code=f"SMK-{n}",
            name=f"烟感{n}",
            type=kind,
            compound=world.compounds["a" if n < 2 else "b"],
            online=n != 2,
        )
        for n in range(3)
    ]
    now = timezone.now()
    raise_alarm(devices[0], "smoke", "critical", at=now)
    raise_alarm(devices[2], "smoke", "major", at=now)
    Shift.objects.create(
        organisation=world.orgs["committee"],
        user=staff,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=6),
    )
    readmodel.rebuild()
    return {"cats": cats, "staff": staff, "devices": devices, "world": world}
