"""The pages and the API of rooms and activities, with who may see and do what."""

from __future__ import annotations

import pytest
import time_machine

from community_brain.activities.models import Booking, Signup


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel("2026-11-25 09:00 +0800", tick=True):
        yield


def test_rooms_page_and_booking_form(world, rooms, login):
    client = login(world.users["resident"])
    page = client.get("/activities/rooms/")
    assert page.status_code == 200 and "牵手屋·长者区" in page.content.decode()
    url = f"/activities/rooms/{rooms['elders'].pk}/"
    data = {"day": "2026-11-27", "starts": "14:00", "ends": "15:00", "purpose": "象棋", "people": 2}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    body = again.content.decode()  # the page speaks Chinese unless English is chosen
    assert again.status_code == 200 and ("已被预约" in body or "already booked" in body)
    booking = Booking.objects.get()
    assert client.post(f"/activities/bookings/{booking.pk}/cancel/").status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_outsiders_see_no_rooms(world, rooms, login):
    client = login(world.users["inspector"])
    assert client.get("/activities/rooms/").status_code == 403
    assert client.get(f"/activities/rooms/{rooms['elders'].pk}/").status_code == 404


def test_sign_up_page_shows_the_check_in_code(world, activity, login):
    client = login(world.users["resident"])
    assert client.post(f"/activities/{activity.pk}/sign-up/").status_code == 302
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "<svg" in page and 'data-my-signup="confirmed"' in page
    staff = login(world.users["staff"])
    page = staff.get(f"/activities/{activity.pk}/").content.decode()
    assert Signup.objects.get().name in page  # the roster


def test_staff_sign_up_on_behalf_and_check_in_page(world, activity, login):
    from community_brain.activities import events

    client = login(world.users["staff"])
    elder = world.residents["a2-head"]
    client.post(f"/activities/{activity.pk}/sign-up/", {"on_behalf": "1", "resident": elder.pk})
    signup = Signup.objects.get(resident=elder)
    token = events.checkin_token(signup)
    with time_machine.travel("2026-11-27 13:55 +0800", tick=False):
        client = login(world.users["staff"])
        assert client.post(f"/activities/check-in/{token}/").status_code == 200
    signup.refresh_from_db()
    assert signup.checked_in_at is not None
    assert login(world.users["resident"]).get(f"/activities/check-in/{token}/").status_code == 403
    assert login(world.users["staff"]).get("/activities/check-in/forged/").status_code == 400


def test_api_rooms_bookings_and_sign_ups(world, rooms, activity, api_client):
    api = api_client(world.users["resident"])
    listed = api.get("/api/v1/rooms").json()
    assert listed["count"] == 2
    pk = rooms["yoga"].pk
    body = {"day": "2026-11-27", "starts": "10:00", "ends": "11:00", "purpose": "瑜伽"}
    made = api.post(f"/api/v1/rooms/{pk}/bookings", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["mine"] is True
    clash = api.post(f"/api/v1/rooms/{pk}/bookings", body, content_type="application/json")
    assert clash.status_code == 400 and "starts" in clash.json()["errors"]
    signed = api.post(f"/api/v1/activities/{activity.pk}/sign-ups")
    assert signed.status_code == 201 and signed.json()["status"] == "confirmed"
    assert api.get("/api/v1/activities").json()["items"][0]["confirmed"] == 1
    cancelled = api.post(f"/api/v1/sign-ups/{signed.json()['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"


def test_staff_create_an_activity_and_record_volunteer_hours(world, rooms, login):
    from community_brain.activities.models import Activity, ServiceRecord, Volunteer

    client = login(world.users["staff"])
    page = client.post(
        "/activities/new/",
        {
            "kind": "lecture",
            "title": "",
            "starts_at": "2026-11-28 09:00",
            "ends_at": "2026-11-28 10:00",
            "room": "yoga",
            "capacity": 10,
        },
    )
    assert page.status_code == 200 and Activity.objects.count() == 0  # the title is missing
    made = client.post(
        "/activities/new/",
        {
            "kind": "lecture",
            "title": "民法典讲座",
            "starts_at": "2026-11-28 09:00",
            "ends_at": "2026-11-28 10:00",
            "room": "yoga",
            "capacity": 10,
        },
    )
    assert made.status_code == 302 and Activity.objects.get().room == rooms["yoga"]
    client.post("/activities/volunteers/new/", {"name": "刘阿姨", "skills": "理发"})
    volunteer = Volunteer.objects.get()
    client.post(
        f"/activities/volunteers/{volunteer.pk}/hours/",
        {"served_on": "2026-11-20", "hours": "2", "description": "义剪"},
    )
    assert ServiceRecord.objects.get().hours == 2
    assert "刘阿姨" in client.get("/activities/volunteers/").content.decode()
    assert login(world.users["resident"]).get("/activities/new/").status_code == 403
