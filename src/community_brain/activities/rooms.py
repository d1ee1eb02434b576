"""Room bookings: book within the opening hours, never two at once, cancel, and the hours
booked per room per week.

Safe under concurrency: ``book`` locks the room's row (``select_for_update``) before it
looks for overlapping bookings, so two people asking for the same slot at the same moment
are served one after the other and the second sees the first's booking. On SQLite the
write transaction (``BEGIN IMMEDIATE``) serialises them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.activities import permissions
from community_brain.activities.choices import BookingStatus
from community_brain.activities.forms import BookingForm
from community_brain.activities.models import Booking, Room
from community_brain.core import audit, clock
from community_brain.core.errors import IllegalTransition, InvalidInput, validated

MAX_HOURS = 4
MAX_DAYS_AHEAD = 30


def _aware(day: date, at) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def within_hours(room: Room, day: date, starts, ends) -> bool:
    return any(
        h.opens <= starts and ends <= h.closes
        for h in room.hours.all()
        if h.weekday == day.weekday()
    )


def book(*, by, room: Room, data: Mapping, activity=None) -> Booking:
    """Book the room for a time on a day; InvalidInput names what is wrong (the slot taken,
    outside opening hours, too many people, in the past)."""
    permissions.require(
        permissions.may_take_part(by, room.community_id), "book rooms of this community"
    )
    form = validated(BookingForm(data=data))
    day, starts_at = form["day"], _aware(form["day"], form["starts"])
    ends_at = _aware(day, form["ends"])
    if not room.is_active:
        raise InvalidInput.single("room", _("This room is not open for booking."))
    if starts_at < clock.now():
        raise InvalidInput.single("starts", _("A booking cannot start in the past."))
    if day > clock.today() + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput.single(
            "day", _("Book at most %(days)s days ahead.") % {"days": MAX_DAYS_AHEAD}
        )
    if (ends_at - starts_at) > timedelta(hours=MAX_HOURS) and activity is None:
        raise InvalidInput.single(
            "ends", _("A booking may last at most %(hours)s hours.") % {"hours": MAX_HOURS}
        )
    if form["people"] > room.capacity:
        raise InvalidInput.single(
            "people", _("The room holds at most %(n)s people.") % {"n": room.capacity}
        )
    if not within_hours(room, day, form["starts"], form["ends"]):
        raise InvalidInput.single("starts", _("The room is closed at that time."))
    with transaction.atomic():
        Room.objects.select_for_update().get(pk=room.pk)  # one booking of this room at a time
        taken = Booking.objects.overlapping(room, starts_at, ends_at).first()
        if taken is not None:
            raise InvalidInput.single(
                "starts",
                _("The room is already booked from %(start)s to %(end)s.")
                % {
                    "start": timezone.localtime(taken.starts_at).strftime("%H:%M"),
                    "end": timezone.localtime(taken.ends_at).strftime("%H:%M"),
                },
            )
        booking = Booking.objects.create(
            room=room,
            starts_at=starts_at,
            ends_at=ends_at,
            purpose=form["purpose"],
            people=form["people"],
            booked_by=by,
            activity=activity,
        )
        audit.record("room.booked", booking, actor=by, summary=str(booking))
    return booking


def cancel(*, by, booking: Booking) -> Booking:
    """The person who booked, or the community's staff, cancel a booking that has not begun."""
    permissions.require(
        booking.booked_by_id == by.pk or permissions.is_staff(by, booking.room.community_id),
        "cancel this booking",
    )
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != BookingStatus.BOOKED:
            raise IllegalTransition("booking", booking.status, BookingStatus.CANCELLED)
        if booking.starts_at <= clock.now():
            raise InvalidInput.single("booking", _("A booking that has begun cannot be cancelled."))
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = clock.now()
        booking.save(update_fields=["status", "cancelled_at", "updated_at"])
        audit.record("room.booking_cancelled", booking, actor=by, summary=str(booking))
    return booking


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_hours(rooms, weeks: int = 8, *, until: date | None = None) -> tuple[list, dict]:
    """Hours booked per room per week (Monday to Sunday) over the last ``weeks`` weeks up to
    the week of ``until``: (week labels, {room name: [hours…]})."""
    last = week_start(until or clock.today())
    starts = [last - timedelta(weeks=i) for i in range(weeks - 1, -1, -1)]
    begin = _aware(starts[0], datetime.min.time())
    end = _aware(last + timedelta(days=7), datetime.min.time())
    rooms = list(rooms)
    series = {room.name: [0.0] * weeks for room in rooms}
    names = {room.pk: room.name for room in rooms}
    bookings = Booking.objects.active().filter(
        room__in=rooms, starts_at__gte=begin, starts_at__lt=end
    )
    for b in bookings.only("room_id", "starts_at", "ends_at"):
        index = (week_start(timezone.localtime(b.starts_at).date()) - starts[0]).days // 7
        series[names[b.room_id]][index] += b.hours
    series = {name: [round(h, 1) for h in hours] for name, hours in series.items()}
    return [f"{d:%m-%d}" for d in starts], series
