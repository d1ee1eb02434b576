"""Booking rooms: the opening hours, no two bookings at once (also from two threads at the
same moment, on PostgreSQL), cancellation, and the weekly hours."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection

from community_brain.activities import rooms as service
from community_brain.activities.models import Booking
from community_brain.activities.tests.conftest import make_rooms
from community_brain.core.errors import IllegalTransition, InvalidInput


@pytest.fixture(autouse=True)
def _wednesday_morning():
    with time_machine.travel("2026-11-25 09:00 +0800", tick=False):
        yield


DAY = "2026-11-27"


def slot(starts="14:00", ends="16:00", **extra):
    return {"day": DAY, "starts": starts, "ends": ends, "purpose": "下棋", "people": 4, **extra}


def test_a_resident_books_and_an_overlapping_slot_is_refused(world, rooms):
    booking = service.book(by=world.users["resident"], room=rooms["elders"], data=slot())
    assert booking.hours == 2
    with pytest.raises(InvalidInput) as err:
        service.book(by=world.users["staff"], room=rooms["elders"], data=slot("15:00", "17:00"))
    assert "starts" in err.value.field_errors
    # back to back is fine, and another room is free
    service.book(by=world.users["staff"], room=rooms["elders"], data=slot("16:00", "17:00"))
    service.book(by=world.users["staff"], room=rooms["yoga"], data=slot())
    assert Booking.objects.active().count() == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (slot("06:00", "07:00"), "starts"),  # closed
        (slot("20:00", "22:00"), "starts"),  # past closing
        (slot("09:00", "15:00"), "ends"),  # longer than four hours
        (slot(people=50), "people"),
        (slot(day="2026-11-24"), "starts"),  # in the past
        (slot(day="2027-02-01"), "day"),  # too far ahead
        (slot("16:00", "15:00"), "ends"),
        (slot(purpose=""), "purpose"),
    ],
)
def test_bad_bookings_name_the_field(world, rooms, data, field):
    with pytest.raises(InvalidInput) as err:
        service.book(by=world.users["resident"], room=rooms["elders"], data=data)
    assert field in err.value.field_errors


def test_outsiders_cannot_book(world, rooms):
    with pytest.raises(PermissionDenied):
        service.book(by=world.users["inspector"], room=rooms["elders"], data=slot())


def test_cancel_frees_the_slot_and_only_the_booker_or_staff_may(world, rooms):
    booking = service.book(by=world.users["resident"], room=rooms["elders"], data=slot())
    with pytest.raises(PermissionDenied):
        service.cancel(by=world.users["grid"], booking=booking)
    service.cancel(by=world.users["resident"], booking=booking)
    with pytest.raises(IllegalTransition):
        service.cancel(by=world.users["staff"], booking=booking)
    service.book(by=world.users["staff"], room=rooms["elders"], data=slot())


def test_weekly_hours(world, rooms):
    service.book(by=world.users["staff"], room=rooms["elders"], data=slot())
    service.book(by=world.users["staff"], room=rooms["yoga"], data=slot("09:00", "10:30"))
    labels, series = service.weekly_hours(rooms.values(), weeks=2, until=date(2026, 11, 27))
    assert labels == ["11-16", "11-23"]
    assert series == {"牵手屋·长者区": [0, 2.0], "瑜伽室": [0, 1.5]}


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_bookings_of_one_slot_cannot_both_succeed():
    if connection.vendor != "postgresql":
        pytest.skip("threads share SQLite's in-memory test database; the PostgreSQL run covers it")
    from community_brain.testing import make_world

    world = make_world()
    room = make_rooms(world)["elders"]
    barrier = threading.Barrier(4)
    outcomes = []

    def attempt(user, starts, ends):
        try:
            barrier.wait()
            service.book(by=user, room=room, data=slot(starts, ends))
            outcomes.append("booked")
        except InvalidInput:
            outcomes.append("refused")
        finally:
            connection.close()

    people = [("resident", "14:00", "16:00"), ("staff", "14:00", "16:00")]
    people += [("admin", "15:00", "17:00"), ("resident", "13:00", "15:30")]  # every pair overlaps
    threads = [threading.Thread(target=attempt, args=(world.users[u], s, e)) for u, s, e in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked", "refused", "refused", "refused"]
    assert Booking.objects.active().filter(room=room).count() == 1
