"""Pages of the rooms: the list with the hours booked per week, a room with its opening
hours, the coming bookings and the booking form, and cancelling. Thin: ``rooms`` decides."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_brain.activities import permissions, rooms
from community_brain.activities.forms import BookingForm
from community_brain.activities.models import Booking, Room
from community_brain.core import charts, clock
from community_brain.core.errors import IllegalTransition, InvalidInput, bind_errors, flash_errors


@login_required
def room_list(request):
    if not permissions.may_see_any(request.user):
        raise PermissionDenied
    visible = Room.objects.visible_to(request.user).active().prefetch_related("hours")
    labels, series = rooms.weekly_hours(visible, weeks=8)
    return render(
        request,
        "activities/rooms.html",
        {"rooms": visible, "chart": charts.stacked_bars(labels, series)},
    )


@login_required
def room_page(request, pk):
    room = get_object_or_404(Room.objects.visible_to(request.user), pk=pk)
    today = clock.today()
    form = BookingForm(initial={"day": today + timedelta(days=1), "people": 1})
    if request.method == "POST":
        form = BookingForm(data=request.POST)
        try:
            rooms.book(by=request.user, room=room, data=request.POST)
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            messages.success(request, _("Booked."))
            return redirect("activities:room", pk=room.pk)
    coming = Booking.objects.active().filter(room=room, ends_at__gte=clock.now())[:50]
    return render(
        request,
        "activities/room.html",
        {
            "room": room,
            "form": form,
            "coming": coming,
            "mine": {b.pk for b in coming if b.booked_by_id == request.user.pk},
            "is_staff": permissions.is_staff(request.user, room.community_id),
            "may_book": permissions.may_take_part(request.user, room.community_id),
        },
    )


@login_required
@require_POST
def booking_cancel(request, pk):
    booking = get_object_or_404(Booking.objects.visible_to(request.user), pk=pk)
    try:
        rooms.cancel(by=request.user, booking=booking)
        messages.success(request, _("The booking is cancelled."))
    except (InvalidInput, IllegalTransition) as exc:
        flash_errors(request, exc)
    return redirect("activities:room", pk=booking.room_id)
