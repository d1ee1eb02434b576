"""Pages of defect-period inspection: projects, the phone round form, the rectification
ledger (with its .xlsx), notices with their papers, findings and sections (deductions,
extensions, the termination certificate). Thin: the services decide and check rights."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from community_brain.core import charts, clock
from community_brain.core.downloads import attachment
from community_brain.core.errors import IllegalTransition, InvalidInput, flash_errors
from community_brain.core.pagination import CappedPaginator
from community_brain.core.spreadsheets import download, workbook
from community_brain.inspections import (
    deposit,
    documents,
    notices,
    permissions,
    queries,
    rounds,
)
from community_brain.inspections.choices import FindingStatus, NoticeStatus, Side, Weather
from community_brain.inspections.models import (
    Certificate,
    FacilityCategory,
    Finding,
    Notice,
    Project,
    Section,
    Severity,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NO_FONT = gettext_lazy(
    "No Chinese font is installed on the server: the PDF cannot be made. Use the .docx."
)


def _project(request, code) -> Project:
    return get_object_or_404(
        Project.objects.for_user(request.user).select_related("owner", "supervision"), code=code
    )


@login_required
def home(request):
    projects = list(Project.objects.for_user(request.user).filter(is_active=True))
    if not projects and not permissions.may_see_any(request.user):
        raise PermissionDenied
    if len(projects) == 1:
        return redirect("inspections:project", code=projects[0].code)
    return render(request, "inspections/home.html", {"projects": projects})


@login_required
def project_page(request, code):
    project = _project(request, code)
    today = clock.today()
    months = [f"{(today.replace(day=1) - timedelta(days=31 * i)):%Y-%m}" for i in range(11, -1, -1)]
    by_month = queries.monthly(project, months)
    return render(
        request,
        "inspections/project.html",
        {
            "project": project,
            "standings": queries.standings(project, today),
            "plans": queries.plan_status(project, today),
            "rounds": project.rounds.annotate(n=Count("findings")).order_by("-inspected_on")[:8],
            "counts": queries.status_counts(project, today),
            "statuses": FindingStatus.choices,
            "notices": project.notices.exclude(status=NoticeStatus.CLOSED).select_related(
                "section"
            )[:20],
            "chart": charts.stacked_bars(months, by_month),
            "is_inspector": permissions.is_inspector(request.user, project),
            "today": today,
        },
    )


# --- the round, on a phone -----------------------------------------------------------------
def _round_from_post(request):
    post = request.POST
    participants = [
        {"name": n, "unit": u}
        for n, u in zip(post.getlist("p-name"), post.getlist("p-unit"), strict=False)
    ]
    fields = ("stake", "side", "defect_type", "severity", "description", "quantity")
    columns = {f: post.getlist(f"f-{f}") for f in fields}
    keys = post.getlist("f-key")
    findings, photos = [], []
    for i, key in enumerate(keys):
        row = {f: (columns[f][i] if i < len(columns[f]) else "") for f in fields}
        if not any(row[f].strip() for f in ("stake", "defect_type", "description")):
            continue  # an empty block of the form
        findings.append(row)
        photos.append(request.FILES.getlist(f"f-photos-{key}"))
    return participants, findings, photos


@login_required
def round_new(request, code):
    project = _project(request, code)
    permissions.require(permissions.is_inspector(request.user, project), "record rounds")
    errors, values = {}, {}
    if request.method == "POST":
        participants, findings, photos = _round_from_post(request)
        try:
            round_ = rounds.record_round(
                by=request.user,
                project=project,
                data=request.POST,
                participants=participants,
                findings=findings,
                photos=photos,
                client_token=request.POST.get("client_token", ""),
            )
        except InvalidInput as exc:
            errors, values = exc.field_errors, request.POST
        else:
            messages.success(
                request,
                _("Round recorded with %(n)s findings, each in the ledger.")
                % {"n": round_.findings.count()},
            )
            return redirect("inspections:round", pk=round_.pk)
    return render(
        request,
        "inspections/round_new.html",
        {
            "project": project,
            "errors": errors,
            "values": values,
            "weathers": Weather.choices,
            "sides": Side.choices,
            "categories": FacilityCategory.objects.prefetch_related(
                "items__defect_types__default_severity"
            ),
            "severities": Severity.objects.all(),
            "plans": project.plans.all(),
            "blocks": range(3),
            "today": clock.today().isoformat(),
            "default_people": _default_people(request.user, project),
        },
    )


def _default_people(user, project) -> list[dict]:
    me = {"name": getattr(user, "display_name", "") or user.username, "unit": ""}
    membership = user.memberships.filter(is_active=True).select_related("organisation").first()
    if membership and membership.organisation:
        me["unit"] = membership.organisation.short_name or membership.organisation.name
    return [me, {"name": "", "unit": ""}, {"name": "", "unit": ""}]


@login_required
def round_page(request, pk):
    from community_brain.inspections.models import Round

    round_ = get_object_or_404(
        Round.objects.select_related("project", "plan", "recorded_by"),
        pk=pk,
        project__in=Project.objects.for_user(request.user),
    )
    findings = round_.findings.select_related(
        "section", "defect_type", "severity", "case", "category"
    ).order_by("number")
    return render(request, "inspections/round.html", {"round": round_, "findings": findings})


# --- the rectification ledger --------------------------------------------------------------
@login_required
def ledger(request, code):
    project = _project(request, code)
    today = clock.today()
    qs, chosen = queries.filter_ledger(queries.findings(project), request.GET, today)
    if not permissions.is_inspector(request.user, project) and not permissions.is_admin(
        request.user
    ):
        qs = qs.filter(section__contractor_id__in=permissions.organisation_ids(request.user))
    qs = qs.order_by("-round__inspected_on", "-number")
    if request.GET.get("format") == "xlsx":
        content = workbook(
            "整改台账", documents.LEDGER_HEADER, documents.ledger_rows(qs[:20000], today)
        )
        return download(content, f"{project.route_code}整改台账")
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    for finding in page:
        finding.overdue = finding.is_overdue(today)
    return render(
        request,
        "inspections/ledger.html",
        {
            "project": project,
            "page": page,
            "chosen": chosen,
            "query": urlencode(chosen.params),
            "sections": project.sections.all(),
            "categories": FacilityCategory.objects.all(),
            "severities": Severity.objects.all(),
            "statuses": FindingStatus.choices,
            "is_inspector": permissions.is_inspector(request.user, project),
            "default_deadline": (today + timedelta(days=14)).isoformat(),
            "issuers": [project.supervision, project.owner],
        },
    )


@login_required
@require_POST
def notice_draft(request, code):
    project = _project(request, code)
    chosen = Finding.objects.filter(
        section__project=project,
        pk__in=[int(x) for x in request.POST.getlist("finding") if x.isdigit()],
    )
    issuer = project.owner if request.POST.get("issuer") == str(project.owner_id) else None
    try:
        notice = notices.draft_notice(
            by=request.user,
            findings=list(chosen),
            requirements=request.POST.get("requirements", ""),
            deadline=_date(request.POST.get("deadline")),
            issuer=issuer,
        )
    except InvalidInput as exc:
        flash_errors(request, exc)
        return redirect(f"{_ledger_url(project)}?status=open&notice=none")
    return redirect("inspections:notice", pk=notice.pk)


def _ledger_url(project) -> str:
    return reverse("inspections:ledger", kwargs={"code": project.code})


def _date(raw) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


# --- notices --------------------------------------------------------------------------------
def _notice(request, pk) -> Notice:
    notice = get_object_or_404(
        Notice.objects.select_related("project", "section__contractor", "issuer"), pk=pk
    )
    user = request.user
    if not (
        permissions.is_inspector(user, notice.project)
        or permissions.is_contractor(user, notice.section)
    ):
        raise PermissionDenied
    if notice.status == NoticeStatus.DRAFT and not permissions.is_inspector(user, notice.project):
        raise PermissionDenied  # a draft is the inspectors' until it is issued
    return notice


@login_required
def notice_list(request, code):
    project = _project(request, code)
    qs = project.notices.select_related("section__contractor", "issuer").order_by("-pk")
    if not permissions.is_inspector(request.user, project):
        qs = qs.filter(
            section__contractor_id__in=permissions.organisation_ids(request.user)
        ).exclude(status=NoticeStatus.DRAFT)
    if request.GET.get("status") in NoticeStatus.values:
        qs = qs.filter(status=request.GET["status"])
    return render(
        request,
        "inspections/notices.html",
        {
            "project": project,
            "page": CappedPaginator(qs, 50).get_page(request.GET.get("page")),
            "statuses": NoticeStatus.choices,
            "status": request.GET.get("status", ""),
        },
    )


@login_required
def notice_page(request, pk):
    notice = _notice(request, pk)
    findings = list(
        notice.findings.select_related("defect_type", "severity", "case", "category").order_by(
            "number"
        )
    )
    from community_brain.cases.models import CasePhoto

    photos = {}
    for photo in CasePhoto.objects.filter(case__in=[f.case_id for f in findings]).order_by("pk"):
        photos.setdefault(photo.case_id, []).append(photo)
    for f in findings:
        f.photos = photos.get(f.case_id, [])
    user = request.user
    return render(
        request,
        "inspections/notice.html",
        {
            "notice": notice,
            "findings": findings,
            "events": notice.events.select_related("by"),
            "is_inspector": permissions.is_inspector(user, notice.project),
            "is_contractor": permissions.is_contractor(user, notice.section),
            "today": clock.today().isoformat(),
        },
    )


@login_required
@require_POST
def notice_move(request, pk):
    notice = _notice(request, pk)
    action = request.POST.get("action")
    by = request.user
    try:
        if action == "issue":
            notices.issue(notice, by=by)
        elif action == "discard":
            project = notice.project
            notices.discard(notice, by=by)
            messages.success(request, _("Draft discarded."))
            return redirect("inspections:ledger", code=project.code)
        elif action == "acknowledge":
            notices.acknowledge(notice, by=by)
        elif action == "reply":
            ids = [f.pk for f in notice.findings.all()]
            notices.reply(
                notice,
                by=by,
                text=request.POST.get("text", ""),
                measures={i: request.POST.get(f"measures-{i}", "") for i in ids},
                photos={i: request.FILES.getlist(f"photos-{i}") for i in ids},
                completed_on=_date(request.POST.get("completed_on")),
            )
        elif action == "recheck":
            passed = {
                f.pk: request.POST.get(f"verdict-{f.pk}") == "pass"
                for f in notice.findings.filter(status=FindingStatus.REPLIED)
                if request.POST.get(f"verdict-{f.pk}") in ("pass", "fail")
            }
            notices.recheck(notice, by=by, passed=passed, opinion=request.POST.get("opinion", ""))
        else:
            raise InvalidInput.single("action", _("Unknown action."))
    except InvalidInput as exc:
        flash_errors(request, exc)
    except IllegalTransition as exc:
        messages.error(
            request,
            _("This notice is “%(state)s” now; that step is not possible.")
            % {"state": NoticeStatus(exc.current).label},
        )
    return redirect("inspections:notice", pk=notice.pk)


@login_required
def notice_paper(request, pk, kind):
    if kind not in ("pdf", "docx"):
        raise Http404
    notice = _notice(request, pk)
    name = f"{notice.number}整改通知单"
    if kind == "pdf":
        return _pdf(
            request,
            lambda: documents.notice_pdf(notice),
            name,
            back=reverse("inspections:notice", args=[notice.pk]),
        )
    return attachment(documents.notice_docx(notice), f"{name}.docx", DOCX)


def _pdf(request, make, name: str, *, back: str):
    """The paper as PDF, or back to its page with a message when no Chinese font is here."""
    try:
        return attachment(make(), f"{name}.pdf", "application/pdf")
    except documents.NoChineseFont:
        messages.error(request, NO_FONT)
        return redirect(back)


# --- findings and sections -----------------------------------------------------------------
@login_required
def finding_page(request, pk):
    finding = get_object_or_404(
        Finding.objects.select_related(
            "section__project",
            "section__contractor",
            "defect_type",
            "severity",
            "case",
            "notice",
            "round",
        ),
        pk=pk,
    )
    project = finding.section.project
    if not (
        permissions.is_inspector(request.user, project)
        or permissions.is_contractor(request.user, finding.section)
    ):
        raise PermissionDenied
    today = clock.today()
    if request.method == "POST":
        try:
            deposit.repaired_by_others(
                finding,
                by=request.user,
                amount=request.POST.get("amount"),
                repaired_by=request.POST.get("repaired_by", ""),
                reason=request.POST.get("reason", ""),
            )
        except InvalidInput as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Deduction recorded; the defect is closed off."))
        return redirect("inspections:finding", pk=finding.pk)
    return render(
        request,
        "inspections/finding.html",
        {
            "finding": finding,
            "project": project,
            "overdue": finding.is_overdue(today),
            "is_owner": permissions.is_owner(request.user, project),
            "photos": finding.case.photos.order_by("pk"),
        },
    )


@login_required
def section_page(request, pk):
    section = get_object_or_404(
        Section.objects.select_related("project__owner", "project__supervision", "contractor"),
        pk=pk,
        project__in=Project.objects.for_user(request.user),
    )
    project = section.project
    if request.method == "POST":
        try:
            if request.POST.get("action") == "extend":
                raw = request.POST.get("months", "")
                deposit.extend_period(
                    section,
                    by=request.user,
                    months=int(raw) if raw.isdigit() else 0,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("The period is extended."))
            elif request.POST.get("action") == "certificate":
                deposit.issue_certificate(section, by=request.user)
                messages.success(request, _("The termination certificate is issued."))
        except InvalidInput as exc:
            flash_errors(request, exc)
        return redirect("inspections:section", pk=section.pk)
    today = clock.today()
    standing = next(s for s in queries.standings(project, today) if s.section.pk == section.pk)
    return render(
        request,
        "inspections/section.html",
        {
            "section": section,
            "project": project,
            "standing": standing,
            "open_numbers": deposit.open_defects(section)[:30],
            "deductions": section.deductions.select_related("finding", "recorded_by"),
            "certificate": Certificate.objects.filter(section=section).first(),
            "is_owner": permissions.is_owner(request.user, project),
            "is_inspector": permissions.is_inspector(request.user, project),
            "today": today,
        },
    )


@login_required
def certificate_paper(request, pk, kind):
    if kind not in ("pdf", "docx"):
        raise Http404
    certificate = get_object_or_404(
        Certificate.objects.select_related("section__project", "section__contractor", "issuer"),
        pk=pk,
        section__project__in=Project.objects.for_user(request.user),
    )
    name = f"{certificate.number}缺陷责任期终止证书"
    if kind == "pdf":
        back = reverse("inspections:section", args=[certificate.section_id])
        return _pdf(request, lambda: documents.certificate_pdf(certificate), name, back=back)
    return attachment(documents.certificate_docx(certificate), f"{name}.docx", DOCX)
