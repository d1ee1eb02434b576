"""API of community life: rooms and bookings, activities and sign-ups — the same services
as the pages."""

# No ``from __future__ import annotations``: django-ninja's @paginate resolves annotations
# in its own module.
from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from community_brain.activities import events, rooms
from community_brain.activities.models import Activity, Booking, Room, Signup

router = Router(tags=["activities"])


class HoursOut(Schema):
    weekday: int
    opens: str
    closes: str

    @staticmethod
    def resolve_opens(obj):
        return obj.opens.strftime("%H:%M")

    @staticmethod
    def resolve_closes(obj):
        return obj.closes.strftime("%H:%M")


class RoomOut(Schema):
    id: int
    code: str
    name: str
    capacity: int
    area_m2: int | None
    hours: list[HoursOut]

    @staticmethod
    def resolve_hours(obj):
        return obj.hours.all()


class BookingIn(Schema):
    day: date
    starts: str
    ends: str
    purpose: str
    people: int = 1


class BookingOut(Schema):
    id: int
    room: str
    starts_at: datetime
    ends_at: datetime
    status: str
    mine: bool

    @staticmethod
    def resolve_room(obj):
        return obj.room.code

    @staticmethod
    def resolve_mine(obj, context):
        return obj.booked_by_id == context["request"].user.pk


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    confirmed: int
    waiting: int

    @staticmethod
    def resolve_confirmed(obj):
        return obj.signups.filter(status="confirmed").count()

    @staticmethod
    def resolve_waiting(obj):
        return obj.signups.filter(status="waiting").count()


class SignupOut(Schema):
    id: int
    activity: int
    status: str
    checked_in_at: datetime | None

    @staticmethod
    def resolve_activity(obj):
        return obj.activity_id


@router.get("/rooms", response=list[RoomOut])
@paginate
def room_list(request):
    return Room.objects.visible_to(request.user).active().prefetch_related("hours")


@router.get("/rooms/{pk}/bookings", response=list[BookingOut])
@paginate
def room_bookings(request, pk: int, since: date | None = None):
    room = get_object_or_404(Room.objects.visible_to(request.user), pk=pk)
    qs = Booking.objects.active().filter(room=room).select_related("room")
    return qs.filter(starts_at__date__gte=since) if since else qs


@router.post("/rooms/{pk}/bookings", response={201: BookingOut})
def book(request, pk: int, payload: BookingIn):
    room = get_object_or_404(Room.objects.visible_to(request.user), pk=pk)
    return Status(201, rooms.book(by=request.user, room=room, data=payload.dict()))


@router.post("/bookings/{pk}/cancel", response=BookingOut)
def cancel_booking(request, pk: int):
    booking = get_object_or_404(Booking.objects.visible_to(request.user), pk=pk)
    return rooms.cancel(by=request.user, booking=booking)


@router.get("/activities", response=list[ActivityOut])
@paginate
def activity_list(request, since: date | None = None):
    qs = Activity.objects.visible_to(request.user).published().select_related("room")
    return qs.filter(starts_at__date__gte=since) if since else qs


@router.post("/activities/{pk}/sign-ups", response={201: SignupOut})
def sign_up(request, pk: int):
    activity = get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)
    return Status(201, events.sign_up(by=request.user, activity=activity))


@router.post("/sign-ups/{pk}/cancel", response=SignupOut)
def cancel_signup(request, pk: int):
    signup = get_object_or_404(Signup.objects.visible_to(request.user), pk=pk)
    events.cancel_signup(by=request.user, signup=signup)
    signup.refresh_from_db()
    return signup
