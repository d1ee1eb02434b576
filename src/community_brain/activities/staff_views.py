"""Staff pages of community life: a new activity, registering volunteers and recording their
service hours. Thin: ``events`` and ``volunteers`` decide and check rights."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_brain.activities import events, permissions, volunteers
from community_brain.activities.forms import ActivityForm
from community_brain.activities.models import Activity, Room, Volunteer
from community_brain.core.errors import InvalidInput, bind_errors, flash_errors
from community_brain.places.models import Community


def _staff_community(request):
    communities = [
        c
        for c in Community.objects.visible_to(request.user)
        if permissions.is_staff(request.user, c.pk)
    ]
    if not communities:
        raise PermissionDenied
    return communities[0]


@login_required
def activity_new(request):
    community = _staff_community(request)
    form = ActivityForm()
    if request.method == "POST":
        form = ActivityForm(data=request.POST)
        try:
            activity = events.create(by=request.user, community=community, data=request.POST)
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            return redirect("activities:activity", pk=activity.pk)
    rooms = Room.objects.filter(community=community).active()
    return render(request, "activities/new.html", {"form": form, "rooms": rooms})


@login_required
@require_POST
def volunteer_new(request):
    community = _staff_community(request)
    try:
        volunteers.register(by=request.user, community=community, data=request.POST)
        messages.success(request, _("Saved."))
    except InvalidInput as exc:
        flash_errors(request, exc)
    return redirect("activities:volunteers")


@login_required
@require_POST
def service_new(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user), pk=pk)
    activity = None
    if request.POST.get("activity"):
        activity = get_object_or_404(
            Activity.objects.visible_to(request.user), pk=request.POST["activity"]
        )
    try:
        volunteers.record_service(
            by=request.user, volunteer=volunteer, data=request.POST, activity=activity
        )
        messages.success(request, _("Saved."))
    except InvalidInput as exc:
        flash_errors(request, exc)
    return redirect("activities:volunteers")
