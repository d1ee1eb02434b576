"""Activities: sign-up, the waiting list and promotion, on-behalf sign-ups, check-in with
the signed code, photos, the reminder the day before, volunteer hours."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from community_brain.activities import events, volunteers
from community_brain.activities.models import Volunteer
from community_brain.core.errors import InvalidInput
from community_brain.notify.models import Notice


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel("2026-11-25 09:00 +0800", tick=False):
        yield


def test_places_then_waiting_list_then_promotion(world, activity):
    first = events.sign_up(by=world.users["resident"], activity=activity)
    elder = world.residents["b1-head"]
    second = events.sign_up(by=world.users["staff"], activity=activity, resident=elder)
    third = events.sign_up(
        by=world.users["staff"], activity=activity, data={"name": "张大爷", "phone": ""}
    )
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waiting"]
    assert second.name == elder.name and second.user is None
    with pytest.raises(InvalidInput):
        events.sign_up(by=world.users["resident"], activity=activity)
    with pytest.raises(InvalidInput):
        events.sign_up(by=world.users["staff"], activity=activity, resident=elder)
    promoted = events.cancel_signup(by=world.users["resident"], signup=first)
    assert promoted.pk == third.pk
    third.refresh_from_db()
    assert third.status == "confirmed"


def test_the_promoted_resident_is_told(world, activity):
    staff_place = events.sign_up(
        by=world.users["staff"], activity=activity, data={"name": "甲", "phone": ""}
    )
    events.sign_up(by=world.users["staff"], activity=activity, data={"name": "乙", "phone": ""})
    waiting = events.sign_up(by=world.users["resident"], activity=activity)
    assert waiting.status == "waiting"
    events.cancel_signup(by=world.users["staff"], signup=staff_place)
    assert Notice.objects.filter(
        recipient=world.users["resident"], template="activity.promoted"
    ).exists()


def test_only_staff_sign_others_up_and_outsiders_not_at_all(world, activity):
    with pytest.raises(PermissionDenied):
        events.sign_up(by=world.users["resident"], activity=activity, data={"name": "x"})
    with pytest.raises(PermissionDenied):
        events.sign_up(by=world.users["inspector"], activity=activity)
    with pytest.raises(InvalidInput) as err:
        events.sign_up(by=world.users["staff"], activity=activity, data={"name": ""})
    assert "name" in err.value.field_errors


def test_activity_fields_are_checked(world, rooms):
    with pytest.raises(InvalidInput) as err:
        events.create(
            by=world.users["staff"],
            community=world.community,
            data={
                "kind": "clinic",
                "title": "义诊",
                "starts_at": "2026-11-28 09:00",
                "ends_at": "2026-11-28 08:00",
                "capacity": 10,
            },
        )
    assert {"ends_at", "address"} <= set(err.value.field_errors)
    with pytest.raises(InvalidInput) as err:
        events.create(
            by=world.users["staff"],
            community=world.community,
            data={
                "kind": "clinic",
                "title": "义诊",
                "starts_at": "2026-11-28 09:00",
                "ends_at": "2026-11-28 11:00",
                "room": "yoga",
                "capacity": 40,
            },
        )
    assert "capacity" in err.value.field_errors


def test_check_in_with_the_signed_code_on_the_day(world, activity):
    signup = events.sign_up(by=world.users["resident"], activity=activity)
    token = events.checkin_token(signup)
    assert events.signup_for_token(token).pk == signup.pk
    with pytest.raises(InvalidInput):
        events.signup_for_token(token[:-2] + "xx")
    with pytest.raises(InvalidInput):  # not the day yet
        events.check_in(by=world.users["staff"], signup=signup)
    with time_machine.travel("2026-11-27 13:50 +0800", tick=False):
        with pytest.raises(PermissionDenied):
            events.check_in(by=world.users["resident"], signup=signup)
        events.check_in(by=world.users["staff"], signup=signup)
    signup.refresh_from_db()
    assert signup.checked_in_at is not None


def test_reminders_the_day_before_once(world, activity):
    events.sign_up(by=world.users["resident"], activity=activity)
    assert events.send_reminders() == 0  # two days ahead
    with time_machine.travel("2026-11-26 09:00 +0800", tick=False):
        assert events.send_reminders() == 1
        assert events.send_reminders() == 0
    assert Notice.objects.filter(template="activity.reminder").exists()


def test_photos_are_checked(world, activity):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 0, 0)).save(out, "JPEG")
    photo = events.add_photo(
        by=world.users["staff"],
        activity=activity,
        upload=SimpleUploadedFile("a.jpg", out.getvalue(), content_type="image/jpeg"),
    )
    assert photo.width == 40
    with pytest.raises(InvalidInput) as err:
        events.add_photo(
            by=world.users["staff"],
            activity=activity,
            upload=SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg"),
        )
    assert "photo" in err.value.field_errors


def test_volunteer_hours(world, activity):
    v = volunteers.register(
        by=world.users["staff"], community=world.community, data={"name": "刘阿姨"}
    )
    volunteers.record_service(
        by=world.users["staff"],
        volunteer=v,
        activity=activity,
        data={"served_on": "2026-11-20", "hours": "2.5", "description": "引导签到"},
    )
    volunteers.record_service(
        by=world.users["staff"],
        volunteer=v,
        data={"served_on": "2026-11-21", "hours": "1", "description": "清扫楼道"},
    )
    with pytest.raises(InvalidInput) as err:
        volunteers.record_service(
            by=world.users["staff"],
            volunteer=v,
            data={"served_on": "2026-12-01", "hours": "1", "description": "未来"},
        )
    assert "served_on" in err.value.field_errors
    [row] = volunteers.hours_per_volunteer(Volunteer.objects.all())
    assert (float(row.total_hours), row.times) == (3.5, 2)


@pytest.mark.django_db(transaction=True)
def test_the_last_place_goes_to_one_of_three_at_once():
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("threads share SQLite's in-memory test database; the PostgreSQL run covers it")
    from community_brain.activities.tests.conftest import make_rooms
    from community_brain.testing import make_world

    world = make_world()
    make_rooms(world)
    activity = events.create(
        by=world.users["staff"],
        community=world.community,
        data={
            "kind": "clinic",
            "title": "义诊",
            "starts_at": "2026-11-27 09:00",
            "ends_at": "2026-11-27 10:00",
            "room": "elders",
            "capacity": 1,
        },
    )
    barrier = threading.Barrier(3)

    def attempt(name):
        try:
            barrier.wait()
            events.sign_up(by=world.users["staff"], activity=activity, data={"name": name})
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in ("甲", "乙", "丙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(activity.signups.values_list("status", flat=True))
    assert statuses == ["confirmed", "waiting", "waiting"]


def test_a_volunteer_phone_must_be_a_real_number(world):
    with pytest.raises(InvalidInput) as refused:
        volunteers.register(
            by=world.users["staff"],
            community=world.community,
            data={"name": "走查", "phone": "123"},
        )
    assert "phone" in refused.value.field_errors
    v = volunteers.register(
        by=world.users["staff"],
        community=world.community,
        data={"name": "刘阿姨", "phone": "138 0533 1234"},
    )
    assert v.phone == "13805331234"
