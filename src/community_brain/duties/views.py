"""The lists' internal pages: the establishment office's check (the latest catalogue, the
runs, what each found, "check now"), and the claim tasks — each department answers its own,
claiming an item or declining it with reasons and evidence."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from community_brain.core import charts
from community_brain.core.errors import InvalidInput
from community_brain.core.pagination import CappedPaginator
from community_brain.duties import permissions, queries, services
from community_brain.duties.check import latest_snapshot, run_check
from community_brain.duties.choices import ClaimStatus, FindingKind, ItemType
from community_brain.duties.models import CheckRun, ClaimTask, DutyItem


def _require_office(user) -> None:
    if not permissions.is_office(user):
        raise PermissionDenied("for the establishment office")


@login_required
def check_page(request):
    _require_office(request.user)
    run = CheckRun.objects.select_related("snapshot").first()
    findings = {}
    if run is not None:
        for kind in FindingKind.values:
            findings[kind] = list(
                run.findings.filter(kind=kind).select_related("entry", "item__department")[:200]
            )
    by_department = (
        DutyItem.objects.active().values("department__name").annotate(n=Count("id")).order_by("-n")
    )
    return render(
        request,
        "duties/check.html",
        {
            "snapshot": latest_snapshot(),
            "run": run,
            "runs": CheckRun.objects.all()[:10],
            "findings": findings,
            "kinds": FindingKind,
            "open_tasks": ClaimTask.objects.filter(status=ClaimStatus.OPEN).count(),
            "by_department": by_department,
        },
    )


@login_required
def stats(request):
    if not permissions.is_office(request.user) and not permissions.departments_of(request.user):
        raise PermissionDenied
    table = queries.department_by_type()
    changes = queries.changes_per_month()
    types = ItemType.choices
    top = table["rows"][:20]
    return render(
        request,
        "duties/stats.html",
        {
            "table": table,
            "types": types,
            "changes": changes,
            "by_department_chart": charts.stacked_bars(
                [r["name"] for r in reversed(top)],
                {
                    label.split(" (")[0]: [r["counts"][value] for r in reversed(top)]
                    for value, label in types
                },
                horizontal=True,
            ),
            "changes_chart": charts.stacked_bars(
                [c["month"] for c in changes],
                {
                    str(label): [c.get(kind, 0) for c in changes]
                    for kind, label in CHANGE_LABELS.items()
                },
            ),
        },
    )


CHANGE_LABELS = {
    "add": gettext_lazy("added"),
    "change": gettext_lazy("changed"),
    "cancel": gettext_lazy("cancelled"),
}


@login_required
@require_POST
def check_now(request):
    _require_office(request.user)
    try:
        run = run_check(trigger="manual")
    except ValueError:
        messages.error(request, _("Import a provincial catalogue first."))
        return redirect("duties:check")
    messages.success(
        request,
        _("Checked: %(new)s new, %(gone)s gone, %(changed)s changed.")
        % {"new": run.new_count, "gone": run.cancelled_count, "changed": run.changed_count},
    )
    return redirect("duties:check")


@login_required
def claims(request):
    qs = permissions.tasks_visible_to(
        request.user, ClaimTask.objects.select_related("entry", "department", "item")
    )
    if not permissions.is_office(request.user) and not permissions.departments_of(request.user):
        raise PermissionDenied
    status = request.GET.get("status", ClaimStatus.OPEN)
    if status in ClaimStatus.values:
        qs = qs.filter(status=status)
    page = CappedPaginator(qs.order_by("department__name", "code"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "duties/claims.html",
        {
            "page": page,
            "status": status,
            "statuses": ClaimStatus.choices,
            "is_office": permissions.is_office(request.user),
        },
    )


@login_required
@require_POST
def answer(request, pk: int):
    task = get_object_or_404(ClaimTask, pk=pk)
    try:
        if request.POST.get("answer") == "claim":
            item = services.claim(by=request.user, task=task)
            messages.success(request, _("%(code)s is now on your list.") % {"code": item.code})
        else:
            services.decline(
                by=request.user,
                task=task,
                reason=request.POST.get("reason", ""),
                files=request.FILES.getlist("evidence"),
            )
            messages.success(request, _("%(code)s declined.") % {"code": task.code})
    except InvalidInput as exc:
        for message in (m for ms in exc.field_errors.values() for m in ms):
            messages.error(request, f"{task.code}：{message}")
    return redirect(f"{reverse('duties:claims')}?status=open")


# --- audits and supervision (duties/audits.py, duties/supervision.py) -----------------------
@login_required
def audits_page(request):
    """The completeness and peer audits as they stand, and the cases the runs opened."""
    from community_brain.cases.choices import Source
    from community_brain.cases.models import Case
    from community_brain.duties import audits

    _require_office(request.user)
    return render(
        request,
        "duties/audits.html",
        {
            "completeness": audits.completeness(),
            "peers": audits.peer_comparison(),
            "rule": {"low": audits.LOW, "high": audits.HIGH, "min_peers": audits.MIN_PEERS},
            "types": ItemType.choices,
            "cases": Case.objects.filter(source=Source.LIST_AUDIT)
            .select_related("organisation")
            .order_by("-reported_at")[:30],
        },
    )


@login_required
@require_POST
def audits_run(request):
    from community_brain.duties import audits

    _require_office(request.user)
    try:
        run = audits.run_audits(by=request.user)
    except InvalidInput as exc:
        for message in (m for ms in exc.field_errors.values() for m in ms):
            messages.error(request, message)
        return redirect("duties:audits")
    messages.success(
        request,
        _("Audited: %(n)s departments with findings, %(opened)s cases opened.")
        % {"n": len(run.cases), "opened": run.opened},
    )
    return redirect("duties:audits")


@login_required
def supervision_page(request):
    """Unclear divisions of duty, slow and hot items over a period of the case ledger."""
    from community_brain.duties import supervision

    _require_office(request.user)
    since, until = supervision.period(request.GET)
    return render(
        request,
        "duties/supervision.html",
        {"s": supervision.supervise(since, until), "printable": False},
    )


@login_required
def supervision_report(request):
    """The same figures as a plain page that prints on A4."""
    from django.utils import timezone

    from community_brain.duties import supervision

    _require_office(request.user)
    since, until = supervision.period(request.GET)
    return render(
        request,
        "duties/supervision_report.html",
        {"s": supervision.supervise(since, until), "printed_at": timezone.now()},
    )
