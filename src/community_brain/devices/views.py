"""Pages of the devices app: the device list with online counts, a device with its latest
values and a day's charts, alarms (acknowledge, clear), and the rules with a dry run."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_brain.accounts.permissions import CHANGE, VIEW, Kind, access_for
from community_brain.core.errors import IllegalTransition, InvalidInput, bind_errors
from community_brain.core.pagination import CappedPaginator
from community_brain.devices import charts, queries, services
from community_brain.devices.choices import Severity
from community_brain.devices.forms import RULE_SECTIONS, ClearAlarmForm, DeviceForm, RuleForm
from community_brain.devices.models import Alarm, Device, DeviceEvent, DeviceType, Rule


def _require(user, action=VIEW):
    if not access_for(user).allows(Kind.DEVICES, action):
        raise PermissionDenied


def _qs(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def device_list(request):
    _require(request.user)
    visible = Device.objects.visible_to(request.user)
    qs, applied = queries.filter_devices(
        visible.select_related("type", "compound", "building"), request.GET
    )
    counts = queries.online_counts(qs)
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "devices/list.html",
        {
            "page": page,
            "applied": applied,
            "qs": _qs(request),
            "counts": counts,
            "online_n": sum(c["online_n"] for c in counts),
            "offline_n": sum(c["offline_n"] for c in counts),
            "chart": charts.online_by_type(counts),
            "compounds": services.compounds_for(request.user, VIEW),
            "types": DeviceType.objects.all(),
            "alarm_counts": queries.alarm_counts(Alarm.objects.visible_to(request.user)),
            "can_change": access_for(request.user).allows(Kind.DEVICES, CHANGE),
        },
    )


def _device_for(user, code) -> Device:
    return get_object_or_404(
        Device.objects.visible_to(user).select_related("type", "compound", "building"), code=code
    )


def _detail_context(request, device: Device) -> dict:
    now = timezone.now()
    rules = Rule.objects.filter(
        Q(device=device) | Q(device__isnull=True, device_type=device.type_id)
    ).filter(Q(compound__isnull=True) | Q(compound=device.compound_id))
    return {
        "device": device,
        "latest": queries.latest_values(device),
        "charts": charts.day_series(device, queries.series(device, now=now)),
        "events": DeviceEvent.objects.filter(device=device).order_by("-ts")[:20],
        "alarms": queries.active_alarms_of(device).select_related("case", "rule")[:20],
        "rules": rules.select_related("category", "compound"),
        "can_change": Device.objects.filter(pk=device.pk).restrict(request.user, CHANGE).exists(),
        "now": now,
    }


@login_required
def device_detail(request, code):
    device = _device_for(request.user, code)
    return render(request, "devices/detail.html", _detail_context(request, device))


@login_required
@require_POST
def device_token(request, code):
    """Issue or rotate the device's HTTP token; the page shows it this once."""
    device = _device_for(request.user, code)
    raw = services.issue_token(device, by=request.user)
    device.refresh_from_db()
    context = _detail_context(request, device)
    context["new_token"] = raw
    return render(request, "devices/detail.html", context)


@login_required
def device_form(request, code=None):
    _require(request.user, CHANGE)
    device = _device_for(request.user, code) if code else None
    if device:
        services.require_change(request.user, device)
    form = DeviceForm(
        request.POST or None,
        instance=device,
        compounds=services.compounds_for(request.user),
    )
    if request.method == "POST":
        try:
            if device:
                device = services.update_device(device, by=request.user, data=request.POST)
            else:
                device = services.create_device(by=request.user, data=request.POST)
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            messages.success(request, _("Device %(code)s saved.") % {"code": device.code})
            return redirect("devices:detail", code=device.code)
    title = _("Edit %(code)s") % {"code": device.code} if device else _("New device")
    return render(request, "devices/form.html", {"form": form, "title": title, "device": device})


# --- alarms ---------------------------------------------------------------------------------
SEVERITY_COLOURS = {
    Severity.CRITICAL: "red",
    Severity.MAJOR: "orange",
    Severity.MINOR: "blue",
    Severity.WARNING: "",
}


@login_required
def alarm_list(request):
    _require(request.user)
    params = request.GET.copy()
    if "active" not in params:
        params["active"] = ""
    qs, applied = queries.filter_alarms(
        Alarm.objects.visible_to(request.user).select_related(
            "device__compound", "device__type", "case", "rule", "acknowledged_by", "cleared_by"
        ),
        params,
    )
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    changeable = set(
        Alarm.objects.restrict(request.user, CHANGE)
        .filter(pk__in=[a.pk for a in page])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "devices/alarms.html",
        {
            "page": page,
            "applied": applied,
            "qs": _qs(request),
            "changeable": changeable,
            "colours": SEVERITY_COLOURS,
            "severities": Severity.choices,
            "compounds": services.compounds_for(request.user, VIEW),
            "counts": queries.alarm_counts(Alarm.objects.visible_to(request.user)),
            "clear_form": ClearAlarmForm(),
        },
    )


def _alarm_for(user, pk) -> Alarm:
    return get_object_or_404(Alarm.objects.restrict(user, CHANGE).select_related("device"), pk=pk)


def _back(request):
    nxt = request.POST.get("next", "")
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "alarms:list")


@login_required
@require_POST
def alarm_acknowledge(request, pk):
    from community_brain.devices import alarms

    alarm = _alarm_for(request.user, pk)
    try:
        alarms.acknowledge(alarm, request.user)
    except IllegalTransition:
        messages.error(request, _("The alarm is already acknowledged."))
    else:
        messages.success(request, _("Alarm acknowledged."))
    return _back(request)


@login_required
@require_POST
def alarm_clear(request, pk):
    from community_brain.devices import alarms

    alarm = _alarm_for(request.user, pk)
    form = ClearAlarmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the alarm is cleared (reason)."))
        return _back(request)
    try:
        alarms.clear_alarm(
            alarm, by=request.user, at=timezone.now(), reason=form.cleaned_data["reason"]
        )
    except IllegalTransition:
        messages.error(request, _("The alarm is already cleared."))
    else:
        messages.success(request, _("Alarm cleared."))
    return _back(request)


# --- rules ----------------------------------------------------------------------------------
@login_required
def rule_list(request):
    _require(request.user)
    rules = services.rules_visible_to(request.user).order_by("device_type__name", "name")
    return render(
        request,
        "devices/rules.html",
        {
            "rules": rules,
            "can_change": access_for(request.user).allows(Kind.DEVICES, CHANGE),
            "colours": SEVERITY_COLOURS,
        },
    )


def _sections(form):
    return [(title, [form[name] for name in names]) for title, names in RULE_SECTIONS]


def _try(rule: Rule):
    from community_brain.devices import rules as rule_engine

    return list(rule_engine.try_rule(rule, since=timezone.now() - timedelta(hours=24)))


@login_required
def rule_form(request, pk=None):
    _require(request.user, CHANGE)
    rule = get_object_or_404(services.rules_visible_to(request.user), pk=pk) if pk else None
    if rule and not services.may_change_rule(request.user, rule):
        raise PermissionDenied
    initial = {}
    if rule is None and request.GET.get("device_type"):
        initial["device_type"] = request.GET["device_type"]
    form = RuleForm(
        request.POST or None,
        instance=rule,
        initial=initial,
        devices=Device.objects.restrict(request.user, CHANGE),
        compounds=services.compounds_for(request.user),
    )
    tried = None
    if request.method == "POST":
        try:
            if "try" in request.POST:
                draft = services.unsaved_rule(by=request.user, data=request.POST, instance=rule)
                tried = _try(draft)
            elif rule:
                rule = services.update_rule(rule, by=request.user, data=request.POST)
            else:
                rule = services.create_rule(by=request.user, data=request.POST)
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            if tried is None:
                messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
                return redirect("devices:rules")
    title = _("Edit rule") if rule else _("New rule")
    return render(
        request,
        "devices/rule_form.html",
        {
            "form": form,
            "sections": _sections(form),
            "rule": rule,
            "title": title,
            "tried": tried,
            "colours": SEVERITY_COLOURS,
        },
    )
