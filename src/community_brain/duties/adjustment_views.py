"""Pages of dynamic adjustment: the applications (each department its own; the office and
the justice bureau all), a department's new application, and one application with its steps
and the moves the reader may make now."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from community_brain.accounts.models import Organisation
from community_brain.core.errors import IllegalTransition, InvalidInput, bind_errors
from community_brain.duties import adjustments, permissions
from community_brain.duties.choices import ItemType
from community_brain.duties.models import Adjustment, DutyItem

ACTION_LABELS = {
    "accept": gettext_lazy("Accept for review"),
    "legal": gettext_lazy("Legality confirmed"),
    "approve": gettext_lazy("Record government approval"),
    "publish": gettext_lazy("Publish"),
    "return": gettext_lazy("Return to the department"),
    "reject": gettext_lazy("Reject"),
    "resubmit": gettext_lazy("Submit again"),
}


def _visible(user):
    qs = Adjustment.objects.select_related("department", "item")
    if permissions.is_office(user) or adjustments.is_justice(user):
        return qs
    return qs.filter(department_id__in=permissions.departments_of(user))


class ApplicationForm(forms.Form):
    department = forms.ModelChoiceField(
        label=gettext_lazy("department"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(label=gettext_lazy("adjustment"), choices=adjustments.Kind.choices)
    trigger = forms.ChoiceField(label=gettext_lazy("trigger"), choices=adjustments.Trigger.choices)
    basis = forms.CharField(
        label=gettext_lazy("basis and reasons"), widget=forms.Textarea(attrs={"rows": 3})
    )
    item = forms.CharField(
        label=gettext_lazy("item code (to cancel, change or devolve)"), required=False
    )
    code = forms.CharField(label=gettext_lazy("new item: code"), required=False)
    name = forms.CharField(label=gettext_lazy("new or changed name"), required=False)
    type = forms.ChoiceField(
        label=gettext_lazy("new item: type"), required=False, choices=[("", "—"), *ItemType.choices]
    )
    new_basis = forms.CharField(
        label=gettext_lazy("new or changed legal basis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = forms.FileField(label=gettext_lazy("attachments"), required=False)


@login_required
def adjustment_list(request):
    qs = _visible(request.user)
    status = request.GET.get("status", "")
    if status in adjustments.State.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "duties/adjustments.html",
        {
            "rows": [
                (a, adjustments.Kind(a.kind).label, adjustments.State(a.status).label)
                for a in qs[:200]
            ],
            "status": status,
            "states": adjustments.State.choices,
            "can_apply": bool(permissions.departments_of(request.user)),
        },
    )


@login_required
def adjustment_new(request):
    departments = Organisation.objects.filter(pk__in=permissions.departments_of(request.user))
    if not departments.exists():
        raise PermissionDenied
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        initial={"department": departments.first()} if departments.count() == 1 else None,
    )
    form.fields["department"].queryset = departments
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = None
        if data["item"]:
            item = DutyItem.objects.filter(code=data["item"].strip()).first()
        proposed = {
            key: value
            for key, value in (
                ("code", data["code"].strip()),
                ("name", data["name"].strip()),
                ("type", data["type"]),
                ("basis", data["new_basis"].strip()),
            )
            if value
        }
        try:
            adjustment = adjustments.apply(
                by=request.user,
                department=data["department"],
                kind=data["kind"],
                trigger=data["trigger"],
                basis=data["basis"],
                item=item,
                proposed=proposed,
                files=request.FILES.getlist("files"),
            )
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            messages.success(request, _("Application submitted."))
            return redirect("duties:adjustment", pk=adjustment.pk)
    return render(request, "duties/adjustment_new.html", {"form": form})


@login_required
def adjustment_detail(request, pk: int):
    adjustment = get_object_or_404(_visible(request.user), pk=pk)
    moves = [
        (action, ACTION_LABELS[action])
        for action in adjustments.allowed_actions(adjustment)
        if adjustments.may(request.user, adjustment, action)
    ]
    return render(
        request,
        "duties/adjustment.html",
        {
            "a": adjustment,
            "state": adjustments.State(adjustment.status).label,
            "kind": adjustments.Kind(adjustment.kind).label,
            "trigger": adjustments.Trigger(adjustment.trigger).label,
            "steps": adjustment.steps.select_related("actor"),
            "moves": moves,
        },
    )


@login_required
@require_POST
def adjustment_move(request, pk: int):
    adjustment = get_object_or_404(_visible(request.user), pk=pk)
    try:
        adjustments.move(
            by=request.user,
            adjustment=adjustment,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
            approval_ref=request.POST.get("approval_ref", ""),
        )
        messages.success(request, _("Done."))
    except IllegalTransition:
        adjustment.refresh_from_db()
        messages.error(
            request,
            _("Not possible now: the application is “%(state)s”.")
            % {"state": adjustments.State(adjustment.status).label},
        )
    except PermissionDenied:
        messages.error(request, _("You may not take this step."))
    except InvalidInput as exc:
        for message in (m for ms in exc.field_errors.values() for m in ms):
            messages.error(request, message)
    return redirect("duties:adjustment", pk=pk)
