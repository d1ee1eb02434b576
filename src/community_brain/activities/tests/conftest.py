"""Fixtures of community life: the test world's rooms with their opening hours."""

from __future__ import annotations

from datetime import time

import pytest

from community_brain.activities.models import OpeningHours, Room


def make_rooms(world) -> dict[str, Room]:
    rooms = {}
    for code, name, capacity in (("elders", "牵手屋·长者区", 30), ("yoga", "瑜伽室", 12)):
        rooms[code] = room = Room.objects.create(
            community=world.community, code=code, name=name, capacity=capacity
        )
        for weekday in range(7):
            OpeningHours.objects.create(
                room=room, weekday=weekday, opens=time(8, 0), closes=time(21, 0)
            )
    return rooms


@pytest.fixture
def rooms(world):
    return make_rooms(world)


@pytest.fixture
def activity(world, rooms):
    from community_brain.activities import events

    return events.create(
        by=world.users["staff"],
        community=world.community,
        data={
            "kind": "lecture",
            "title": "民法典讲座",
            "starts_at": "2026-11-27 14:00",
            "ends_at": "2026-11-27 16:00",
            "room": "elders",
            "capacity": 2,
        },
    )
