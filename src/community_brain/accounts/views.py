"""Sign in (throttled), sign out, and the home page each role lands on."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_brain.accounts import throttle
from community_brain.accounts.forms import LoginForm
from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import Role
from community_brain.core import audit, charts
from community_brain.core.middleware import client_ip
from community_brain.places import queries as place_queries


def login_view(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request, data=request.POST or None)
    status, locked_message = 200, ""
    if request.method == "POST":
        username = request.POST.get("username", "")
        ip = client_ip(request)
        wait = throttle.is_locked(username, ip)
        if wait:
            minutes = max(1, (wait + 59) // 60)
            form = LoginForm(request)
            locked_message = _("Too many failed attempts. Try again in %(m)s minutes.") % {
                "m": minutes
            }
            audit.record("login.throttled", summary=username[:100])
            status = 429
        elif form.is_valid():
            user = form.get_user()
            login(request, user)
            throttle.reset(username, ip)
            audit.record("login.success", user, actor=user, summary=user.username)
            target = request.POST.get("next") or request.GET.get("next") or ""
            if url_has_allowed_host_and_scheme(target, {request.get_host()}):
                return redirect(target)
            return redirect("home")
        else:
            throttle.record_failure(username, ip)
            audit.record("login.failure", summary=username[:100])
            status = 401
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_message": locked_message},
        status=status,
    )


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        audit.record("logout", request.user, actor=request.user, summary=request.user.username)
    logout(request)
    return redirect("accounts:login")


ROLE_ORDER = [
    Role.COMMUNITY_STAFF,
    Role.GRID_WORKER,
    Role.PROPERTY_STAFF,
    Role.DEPARTMENT_OFFICER,
    Role.INSPECTOR,
    Role.CONTRACTOR,
    Role.RESIDENT,
]


def primary_role(access) -> str:
    if access.is_admin:
        return Role.SYSTEM_ADMIN
    for role in ROLE_ORDER:
        if role in access.roles:
            return role
    return ""


@login_required
def home(request):
    access = access_for(request.user)
    role = primary_role(access)
    context = {
        "role": role,
        "role_label": Role(role).label if role else _("no role yet"),
        "memberships": request.user.memberships.filter(is_active=True).select_related(
            "organisation", "community", "compound", "grid", "household"
        ),
    }
    if role in {
        Role.SYSTEM_ADMIN,
        Role.COMMUNITY_STAFF,
        Role.PROPERTY_STAFF,
        Role.GRID_WORKER,
        Role.DEPARTMENT_OFFICER,
    }:
        summary = place_queries.register_summary(request.user)
        context["summary"] = summary
        context["age_chart"] = charts.bar(
            [b["label"] for b in summary["age_bands"]], [b["n"] for b in summary["age_bands"]]
        )
    if role == Role.GRID_WORKER:
        context["care_list"] = place_queries.care_list(request.user)[:20]
    if role == Role.RESIDENT:
        context["households"] = place_queries.own_households(request.user)
    return render(request, "accounts/home.html", context)
