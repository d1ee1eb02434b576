"""Pages of activities: the coming and past activities, one activity (sign up, the waiting
list, my check-in code; for staff the roster, signing up on someone's behalf, photos), the
door's check-in page, and the volunteers with their hours. Thin: ``events`` decides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_brain.activities import events, permissions, volunteers
from community_brain.activities.choices import SignupStatus
from community_brain.activities.forms import ServiceForm, SignupForm, VolunteerForm
from community_brain.activities.models import Activity, Signup, Volunteer
from community_brain.core import clock, qr
from community_brain.core.errors import IllegalTransition, InvalidInput, flash_errors
from community_brain.places.models import Resident


@login_required
def activity_list(request):
    if not permissions.may_see_any(request.user):
        raise PermissionDenied
    visible = Activity.objects.visible_to(request.user).published().select_related("room")
    now = clock.now()
    return render(
        request,
        "activities/list.html",
        {
            "coming": visible.filter(ends_at__gte=now).order_by("starts_at")[:30],
            "past": visible.filter(ends_at__lt=now)[:30],
            "is_staff": bool(permissions.staff_community_ids(request.user))
            or permissions.is_admin(request.user),
        },
    )


@login_required
def activity_page(request, pk):
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("room"), pk=pk
    )
    user = request.user
    is_staff = permissions.is_staff(user, activity.community_id)
    live = activity.signups.exclude(status=SignupStatus.CANCELLED)
    mine = live.filter(user=user).first()
    context = {
        "activity": activity,
        "mine": mine,
        "confirmed": live.filter(status=SignupStatus.CONFIRMED).count(),
        "waiting": live.filter(status=SignupStatus.WAITING).count(),
        "may_sign_up": permissions.may_take_part(user, activity.community_id),
        "is_staff": is_staff,
        "begun": activity.starts_at <= clock.now(),
    }
    if mine is not None and mine.status == SignupStatus.CONFIRMED:
        url = reverse("activities:checkin", args=[events.checkin_token(mine)])
        context["qr"] = qr.svg(request.build_absolute_uri(url), title=_("Check-in code"))
    if is_staff:
        context["roster"] = live.order_by("status", "signed_up_at")
        context["attended"] = live.filter(checked_in_at__isnull=False).count()
        context["form"] = SignupForm()
    return render(request, "activities/activity.html", context)


@login_required
@require_POST
def sign_up(request, pk):
    activity = get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)
    on_behalf = request.POST.get("on_behalf") == "1"
    resident = None
    if on_behalf and request.POST.get("resident"):
        resident = get_object_or_404(
            Resident.objects.visible_to(request.user), pk=request.POST["resident"]
        )
    try:
        signup = events.sign_up(
            by=request.user,
            activity=activity,
            resident=resident,
            data=request.POST if on_behalf and resident is None else None,
        )
    except InvalidInput as exc:
        flash_errors(request, exc)
    else:
        if signup.status == SignupStatus.CONFIRMED:
            messages.success(request, _("Signed up: see you there."))
        else:
            messages.info(request, _("The places are taken: you are on the waiting list."))
    return redirect("activities:activity", pk=activity.pk)


@login_required
@require_POST
def cancel_signup(request, pk):
    signup = get_object_or_404(Signup.objects.visible_to(request.user), pk=pk)
    try:
        events.cancel_signup(by=request.user, signup=signup)
        messages.success(request, _("The sign-up is cancelled."))
    except (InvalidInput, IllegalTransition) as exc:
        flash_errors(request, exc)
    return redirect("activities:activity", pk=signup.activity_id)


@login_required
def checkin(request, token):
    try:
        signup = events.signup_for_token(token)
    except InvalidInput as exc:
        return render(request, "activities/checkin.html", {"error": exc}, status=400)
    if not permissions.is_staff(request.user, signup.activity.community_id):
        raise PermissionDenied
    if request.method == "POST":
        try:
            signup = events.check_in(by=request.user, signup=signup)
            messages.success(request, _("Checked in."))
        except InvalidInput as exc:
            flash_errors(request, exc)
    return render(request, "activities/checkin.html", {"signup": signup, "token": token})


@login_required
@require_POST
def add_photo(request, pk):
    activity = get_object_or_404(Activity.objects.visible_to(request.user), pk=pk)
    try:
        for upload in request.FILES.getlist("photo"):
            events.add_photo(by=request.user, activity=activity, upload=upload)
    except InvalidInput as exc:
        flash_errors(request, exc)
    return redirect("activities:activity", pk=activity.pk)


@login_required
def volunteer_list(request):
    if not permissions.staff_community_ids(request.user) and not permissions.is_admin(request.user):
        raise PermissionDenied
    people = volunteers.hours_per_volunteer(Volunteer.objects.visible_to(request.user))
    return render(
        request,
        "activities/volunteers.html",
        {"volunteers": people, "form": VolunteerForm(), "service": ServiceForm()},
    )
