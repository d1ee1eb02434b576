"""Pages of the case ledger: the ledger, a case with its timeline and the actions open to
the viewer, reporting, figures with charts, export, a printable case sheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_brain.accounts.models import Organisation
from community_brain.accounts.permissions import VIEW, access_for
from community_brain.accounts.roles import EXPORT, REPORT, Kind
from community_brain.cases import actions, charts, machine, queries, services
from community_brain.cases.choices import Priority, RequestType, Source, Status
from community_brain.cases.forms import CaseReportForm
from community_brain.cases.models import Case, Category
from community_brain.cases.services.common import can_dispatch, is_handler, may
from community_brain.core.errors import IllegalTransition, InvalidInput, bind_errors
from community_brain.core.pagination import CappedPaginator
from community_brain.places.models import Compound


def _require(user, action=VIEW):
    if not access_for(user).allows(Kind.CASES, action):
        raise PermissionDenied


# Where a problem registered at the desk came from (the others have their own ways in).
DESK_SOURCES = [(v, label) for v, label in Source.choices if v in {"staff", "phone", "field_diary"}]


class LedgerPaginator(CappedPaginator):
    """Forty pages are counted (2000+ beyond): a filter narrows faster than paging does, and
    each counted row costs a read on a million-case ledger."""

    cap = 2_000


# What a ledger row shows: loading only these keeps a page of fifty light.
LEDGER_COLUMNS = (
    "code",
    "title",
    "status",
    "flagged",
    "is_overdue",
    "paused_at",
    "reported_at",
    "resolve_by",
    "address",
    "category__name",
    "compound__name",
    "household__address",
    "building__name",
    "building__compound__name",
    "organisation__name",
    "organisation__short_name",
)


def _filters_context(user):
    return {
        "compounds": Compound.objects.visible_to(user),
        "categories": Category.objects.filter(parent__isnull=True, is_active=True),
        "organisations": Organisation.objects.filter(cases__isnull=False).distinct(),
        "statuses": Status.choices,
        "sources": Source.choices,
        "priorities": Priority.choices,
        "request_types": RequestType.choices,
    }


def _kept_filters(applied: dict, params) -> list[dict]:
    """Filters the ledger's form has no field for (they arrive from the overview, the big
    screen, a bookmark): shown as chips, each with a link that drops it, and kept as hidden
    fields when the form is sent again."""
    labels = {
        "grid": _("grid"),
        "assignee": _("assignee"),
        "priority": _("priority"),
        "request_type": _("type of request"),
        "due_since": _("due from"),
        "due_until": _("due until"),
        "resolved_since": _("resolved from"),
        "resolved_until": _("resolved until"),
        "rated_since": _("rated from"),
        "rated_until": _("rated until"),
        "rating": _("rating"),
    }
    kept = []
    for key, label in labels.items():
        if key not in applied:
            continue
        rest = params.copy()
        rest.pop(key, None)
        rest.pop("page", None)
        kept.append({"key": key, "label": label, "value": applied[key], "drop": rest.urlencode()})
    return kept


@login_required
def ledger(request):
    _require(request.user)
    qs = (
        Case.objects.visible_to(request.user)
        .select_related("category", "compound", "organisation", "household", "building__compound")
        .only(*LEDGER_COLUMNS)
    )
    qs, applied = queries.ledger(qs, request.GET)
    page = LedgerPaginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sortless = params.copy()
    sortless.pop("sort", None)
    access = access_for(request.user)
    return render(
        request,
        "cases/ledger.html",
        {
            "page": page,
            "applied": applied,
            "qs": params.urlencode(),
            "qs_nosort": sortless.urlencode(),
            "kept": _kept_filters(applied, request.GET),
            "now": timezone.now(),
            "can_report": access.allows(Kind.CASES, REPORT),
            "can_export": access.allows(Kind.CASES, EXPORT),
            **_filters_context(request.user),
        },
    )


def _case_for(user, code) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(user).select_related(
            "category__parent",
            "compound",
            "building",
            "household",
            "organisation",
            "assignee",
            "reporter_user",
            "duplicate_of",
        ),
        code=code,
    )


@login_required
def detail(request, code):
    case = _case_for(request.user, code)
    user = request.user
    dispatcher = can_dispatch(user, case)
    handler = is_handler(user, case)
    available = [
        action
        for action in machine.allowed_actions(case)
        if may(user, case, action, dispatcher=dispatcher, handler=handler)
        and actions.applies(action, case)
    ]
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "events": case.events.select_related("actor").prefetch_related("photos"),
            "photos": case.photos.all(),
            "participants": case.participants.filter(active=True).select_related("organisation"),
            "extension": case.extensions.filter(state="pending").first(),
            "forms": actions.forms_for(available, case, user),
            "dispatcher": dispatcher,
            "now": timezone.now(),
            "show_contact": dispatcher or handler,
        },
    )


@login_required
@require_POST
def act(request, code, action):
    case = _case_for(request.user, code)
    if action not in machine.TRANSITIONS and action != "comment":
        raise PermissionDenied
    try:
        actions.perform(action, case, request.user, request.POST, request.FILES)
    except InvalidInput as exc:
        for field, msgs in exc.field_errors.items():
            messages.error(
                request,
                f"{actions.label(field)}：{' '.join(msgs)}"
                if field != "__all__"
                else " ".join(msgs),
            )
    except IllegalTransition as exc:
        messages.error(
            request,
            _("Not possible now: the case is %(status)s.") % {"status": Status(exc.current).label},
        )
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": actions.label(action)})
    return redirect("cases:detail", code=case.code)


@login_required
def new(request):
    _require(request.user, REPORT)
    form = CaseReportForm(request.POST or None)
    form.fields["compound"].queryset = Compound.objects.visible_to(request.user)
    similar = []
    if request.method == "POST":
        try:
            case = services.report(
                by=request.user,
                data=request.POST,
                source=request.POST.get("source") or Source.STAFF,
                photos=request.FILES.getlist("photos"),
                client_token=request.POST.get("client_token", ""),
            )
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            messages.success(request, _("Case %(code)s registered.") % {"code": case.code})
            return redirect("cases:detail", code=case.code)
    return render(
        request, "cases/new.html", {"form": form, "similar": similar, "sources": DESK_SOURCES}
    )


@login_required
def figures(request):
    _require(request.user)
    qs = Case.objects.visible_to(request.user)
    qs, applied = queries.ledger(qs, request.GET)
    qs = qs.order_by()
    overall = queries.figures(qs)
    months = queries.figures(qs, "month")
    groups = {by: queries.figures(qs, by) for by in ("compound", "category", "organisation")}
    return render(
        request,
        "cases/figures.html",
        {
            "overall": overall,
            "months": months,
            "groups": groups,
            "applied": applied,
            "trend_chart": charts.trend(months),
            "category_chart": charts.pie(groups["category"]),
            "qs": request.GET.urlencode(),
            **_filters_context(request.user),
        },
    )


@login_required
def print_sheet(request, code):
    case = _case_for(request.user, code)
    return render(
        request,
        "cases/print.html",
        {
            "case": case,
            "events": case.events.filter(public=True).select_related("actor"),
            "printed_at": timezone.now(),
        },
    )
