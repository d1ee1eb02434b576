"""The gate pages: the guard's console (recent events, live decisions, open by hand, register
a visitor and issue her QR pass), the resident's consent page, the compound's privacy page
(notice, consent ledger, retention, impact assessment, audit of biometric reads) and the
strangers page. Thin: every write is a service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_brain.access import permissions, queries
from community_brain.access import strangers as stranger_groups
from community_brain.access.models import AccessEvent, Gate, StrangerGroup
from community_brain.access.services import consent as consents
from community_brain.access.services import credentials, gates, privacy
from community_brain.accounts.permissions import CHANGE
from community_brain.accounts.roles import GUARD
from community_brain.core.errors import IllegalTransition, InvalidInput, bind_errors, flash_errors
from community_brain.places.models import Resident


def _gate(user, code: str | None) -> Gate | None:
    mine = queries.gates_for(user)
    if code:
        return get_object_or_404(mine, code=code)
    return mine.first()


@login_required
def console(request, code: str | None = None):
    if not permissions.is_staff_somewhere(request.user):
        raise PermissionDenied
    gate = _gate(request.user, code)
    visitor_form = credentials.VisitorForm(compound=gate.compound if gate else None)
    return render(
        request,
        "access/console.html",
        {
            "gate": gate,
            "gates": queries.gates_for(request.user),
            "events": queries.recent_events(gate) if gate else [],
            "may_guard": gate is not None and permissions.may(request.user, GUARD, gate.compound),
            "visitor_form": visitor_form,
            "new_pass": request.session.pop("access_new_pass", None),
        },
    )


@login_required
def events_partial(request, code: str):
    gate = _gate(request.user, code)
    return render(request, "access/_events.html", {"events": queries.recent_events(gate)})


@login_required
@require_POST
def open_gate(request, code: str):
    gate = _gate(request.user, code)
    try:
        gates.open_by_hand(
            gate,
            by=request.user,
            reason=request.POST.get("reason", ""),
            direction=request.POST.get("direction") or None,
        )
        messages.success(request, _("The gate is open; the reason is recorded."))
    except InvalidInput as exc:
        flash_errors(request, exc)
    return redirect("access:console_gate", code=gate.code)


@login_required
@require_POST
def register_visitor(request, code: str):
    gate = _gate(request.user, code)
    try:
        visitor, credential, raw = credentials.register_visitor(
            gate.compound, by=request.user, data=request.POST
        )
    except InvalidInput as exc:
        flash_errors(request, exc)
        return redirect("access:console_gate", code=gate.code)
    request.session["access_new_pass"] = {
        "name": visitor.name,
        "token": raw,
        "valid_until": credential.valid_until.isoformat(),
    }
    messages.success(request, _("Visitor registered; give her the pass below."))
    return redirect("access:console_gate", code=gate.code)


@login_required
def snapshot(request, pk: int):
    event = get_object_or_404(AccessEvent.objects.visible_to(request.user), pk=pk)
    picture = gates.open_snapshot(event, by=request.user)
    if picture is None:
        raise Http404("the snapshot has been purged")
    return FileResponse(picture, content_type="image/jpeg")


# --- consent -------------------------------------------------------------------------------
def _people(user):
    """The residents whose consent the user may give: her household's, or (staff) one asked
    for by ``?resident=``."""
    ids = permissions.own_household_ids(user)
    return list(
        Resident.objects.filter(household_id__in=ids, status="active").select_related(
            "household__building__compound"
        )
    )


@login_required
def consent_page(request):
    people = _people(request.user)
    asked = request.GET.get("resident")
    if asked:
        resident = get_object_or_404(
            Resident.objects.select_related("household__building__compound"), pk=asked
        )
        permissions.require_act_for(request.user, resident)
        if resident not in people:
            people.append(resident)
    if not people:
        raise PermissionDenied
    rows = []
    for person in people:
        compound = person.household.building.compound
        ps = privacy.settings_for(compound)
        text = privacy.notice_text(ps)
        rows.append(
            {
                "resident": person,
                "age": consents.age_of(person),
                "child": (consents.age_of(person) or 99) < consents.CHILD_UNDER,
                "notice": text,
                "notice_version": ps.notice_version,
                "notice_hash": privacy.notice_hash(text),
                "consent": consents.live_consent(person),
                "enrolled": hasattr(person, "face_template"),
                "guardians": [p for p in people if p.pk != person.pk],
            }
        )
    return render(request, "access/consent.html", {"rows": rows})


@login_required
@require_POST
def consent_action(request, pk: int):
    resident = get_object_or_404(Resident, pk=pk)
    try:
        if request.POST.get("action") == "withdraw":
            consents.withdraw_consent(
                resident, by=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Consent withdrawn; the face template is deleted."))
        else:
            given_by = request.POST.get("given_by")
            consents.give_consent(
                resident,
                by=request.user,
                notice_version=int(request.POST.get("notice_version") or 0),
                notice_hash=request.POST.get("notice_hash", ""),
                given_by=get_object_or_404(Resident, pk=given_by) if given_by else None,
            )
            messages.success(request, _("Consent recorded."))
    except InvalidInput as exc:
        flash_errors(request, exc)
    url = redirect("access:consent").url
    if request.POST.get("staff"):
        url += f"?resident={resident.pk}"
    return redirect(url)


# --- privacy ---------------------------------------------------------------------------------
@login_required
def privacy_page(request, pk: int | None = None):
    compounds = queries.compounds_for(request.user)
    compound = get_object_or_404(compounds, pk=pk) if pk else compounds.first()
    if compound is None:
        raise PermissionDenied
    ps = privacy.settings_for(compound)
    may_change = permissions.may(request.user, CHANGE, compound)
    form = privacy.SettingsForm(instance=ps)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = privacy.SettingsForm(request.POST, request.FILES, instance=ps)
        try:
            privacy.update_settings(
                compound, by=request.user, data=request.POST, files=request.FILES
            )
            messages.success(request, _("Privacy settings saved."))
            return redirect("access:privacy_compound", pk=compound.pk)
        except InvalidInput as exc:
            bind_errors(form, exc)
    return render(
        request,
        "access/privacy.html",
        {
            "compound": compound,
            "compounds": compounds,
            "settings": ps,
            "notice": privacy.notice_text(ps),
            "processor": privacy.processor_of(ps),
            "ledger": queries.ledger(compound, request.user)[:200],
            "reads": queries.biometric_reads(compound)[:200],
            "form": form,
            "may_change": may_change,
            "template_version": privacy.template_version(compound.pk),
        },
    )


# --- strangers -------------------------------------------------------------------------------
@login_required
def strangers_page(request):
    if not permissions.is_staff_somewhere(request.user):
        raise PermissionDenied
    groups = (
        StrangerGroup.objects.visible_to(request.user)
        .select_related("compound", "alarm__case")
        .order_by("status", "-last_seen")[:200]
    )
    changeable = set(permissions.compounds_for(request.user, CHANGE).values_list("pk", flat=True))
    rows = [
        {
            "group": g,
            "may_mark": g.compound_id in changeable and g.status == "open",
            "events": list(g.events.exclude(snapshot="").order_by("-at")[:4]),
        }
        for g in groups
    ]
    return render(request, "access/strangers.html", {"rows": rows})


@login_required
@require_POST
def mark_stranger(request, pk: int):
    group = get_object_or_404(StrangerGroup.objects.visible_to(request.user), pk=pk)
    try:
        stranger_groups.mark(
            group,
            request.POST.get("status", ""),
            by=request.user,
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("The group is marked."))
    except (InvalidInput, IllegalTransition) as exc:
        flash_errors(request, exc)
    return redirect("access:strangers")


# --- a resident's gate credentials (staff) ----------------------------------------------------
@login_required
def resident_page(request, pk: int):
    resident = get_object_or_404(
        Resident.objects.select_related("household__building__compound"), pk=pk
    )
    compound = permissions.compound_of(resident)
    if compound is None or not permissions.may(request.user, CHANGE, compound):
        raise PermissionDenied
    if request.method == "POST":
        _resident_action(request, resident)
        return redirect("access:resident", pk=resident.pk)
    return render(
        request,
        "access/resident.html",
        {
            "resident": resident,
            "consent": consents.live_consent(resident),
            "template": getattr(resident, "face_template", None),
            "credentials": resident.access_credentials.order_by("-created_at"),
            "new_pass": request.session.pop("access_new_pass", None),
        },
    )


def _resident_action(request, resident) -> None:
    from community_brain.access.models import Credential
    from community_brain.access.services import templates

    action, by = request.POST.get("action"), request.user
    try:
        if action == "enrol":
            photos = [f.read(10 * 1024 * 1024) for f in request.FILES.getlist("photos")]
            templates.enrol_resident(resident, photos, by=by)
            messages.success(request, _("Face template enrolled."))
        elif action == "delete_template":
            templates.delete_template(resident, by=by, why="deleted on request")
            messages.success(request, _("Face template deleted."))
        elif action == "card":
            credentials.issue_card(resident, request.POST.get("number", ""), by=by)
            messages.success(request, _("Card issued."))
        elif action == "pin":
            credentials.set_pin(resident, request.POST.get("pin", ""), by=by)
            messages.success(request, _("PIN set."))
        elif action == "qr":
            credential, raw = credentials.issue_qr(
                resident, by=by, hours=int(request.POST.get("hours") or 24 * 30)
            )
            request.session["access_new_pass"] = {
                "name": resident.masked_name,
                "token": raw,
                "valid_until": credential.valid_until.isoformat(),
            }
        elif action == "revoke":
            credential = get_object_or_404(
                Credential, pk=request.POST.get("credential"), resident=resident
            )
            credentials.revoke(credential, by=by, reason=request.POST.get("reason", ""))
            messages.success(request, _("Credential revoked."))
    except InvalidInput as exc:
        flash_errors(request, exc)
    except ValueError:
        messages.error(request, _("hours: a whole number."))
