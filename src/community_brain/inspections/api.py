"""API of defect-period inspection: projects and their sections, the checklist (for a phone
app's offline copy), rounds with their findings, the rectification ledger, and the notice's
steps — the same services as the pages."""

# No ``from __future__ import annotations``: django-ninja's @paginate resolves annotations
# in its own module.
from datetime import date, datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from community_brain.core import clock
from community_brain.core.errors import InvalidInput
from community_brain.inspections import notices, permissions, queries, rounds
from community_brain.inspections.models import (
    DefectType,
    Notice,
    Project,
    Severity,
)

router = Router(tags=["inspections"])


class SectionOut(Schema):
    id: int
    code: str
    name: str
    stakes: str
    contractor: str
    handover_date: date
    period_ends: date
    deposit: float
    deducted: float
    open: int
    overdue: int
    total: int
    certificate: str | None


class ProjectOut(Schema):
    code: str
    name: str
    route_code: str
    owner: str
    supervision: str
    sections: list[SectionOut]


class DefectTypeOut(Schema):
    id: int
    name: str
    item: str
    category: str
    category_code: str
    severity: str
    requirement: str


class SeverityOut(Schema):
    id: int
    code: str
    name: str
    workdays: int


class ChecklistOut(Schema):
    severities: list[SeverityOut]
    defect_types: list[DefectTypeOut]


class Person(Schema):
    name: str
    unit: str = ""


class FindingIn(Schema):
    stake: str
    side: str = ""
    defect_type: int
    severity: int | None = None
    description: str
    quantity: str = ""


class RoundIn(Schema):
    inspected_on: date
    weather: str
    route: str
    notes: str = ""
    plan: int | None = None
    participants: list[Person]
    findings: list[FindingIn] = []


class FindingOut(Schema):
    id: int
    number: str
    section: str
    stakes: str
    side: str
    category: str
    defect_type: str
    severity: str
    description: str
    quantity: str
    deadline: date
    status: str
    overdue: bool
    notice: str | None
    case: str
    measures: str
    completed_on: date | None
    closed_by: str

    @staticmethod
    def resolve_section(obj):
        return obj.section.name

    @staticmethod
    def resolve_category(obj):
        return obj.category.name

    @staticmethod
    def resolve_defect_type(obj):
        return obj.defect_type.name

    @staticmethod
    def resolve_severity(obj):
        return obj.severity.code

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue(clock.today())

    @staticmethod
    def resolve_notice(obj):
        if obj.notice is None or obj.notice.status == "draft":
            return None
        return obj.notice.number

    @staticmethod
    def resolve_case(obj):
        return obj.case.code


class RoundOut(Schema):
    id: int
    inspected_on: date
    weather: str
    route: str
    participants: list[Person]
    findings: list[FindingOut]

    @staticmethod
    def resolve_findings(obj):
        return queries.findings(obj.project).filter(round=obj).order_by("number")


class NoticeOut(Schema):
    id: int
    number: str
    status: str
    section: str
    contractor: str
    issuer: str
    requirements: str
    deadline: date
    issued_at: datetime | None
    acknowledged_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    reply: str
    findings: list[str]

    @staticmethod
    def resolve_section(obj):
        return obj.section.name

    @staticmethod
    def resolve_contractor(obj):
        return obj.section.contractor.name

    @staticmethod
    def resolve_issuer(obj):
        return obj.issuer.name

    @staticmethod
    def resolve_findings(obj):
        return list(obj.findings.order_by("number").values_list("number", flat=True))


class ReplyIn(Schema):
    text: str
    measures: dict[int, str] = {}
    completed_on: date | None = None


class RecheckIn(Schema):
    passed: dict[int, bool]
    opinion: str = ""


def _project(request, code: str) -> Project:
    return get_object_or_404(Project.objects.for_user(request.user), code=code)


def _section_out(standing) -> dict:
    section = standing.section
    certificate = getattr(section, "certificate", None)
    return {
        "id": section.pk,
        "code": section.code,
        "name": section.name,
        "stakes": section.stakes,
        "contractor": section.contractor.name,
        "handover_date": section.handover_date,
        "period_ends": section.period_ends,
        "deposit": float(section.deposit),
        "deducted": float(standing.deducted),
        "open": standing.open,
        "overdue": standing.overdue,
        "total": standing.total,
        "certificate": certificate.number if certificate else None,
    }


@router.get("/inspection-projects", response=list[ProjectOut])
@paginate
def projects(request):
    today = clock.today()
    out = []
    for project in Project.objects.for_user(request.user).select_related("owner", "supervision"):
        out.append(
            {
                "code": project.code,
                "name": project.name,
                "route_code": project.route_code,
                "owner": project.owner.name,
                "supervision": project.supervision.name,
                "sections": [_section_out(s) for s in queries.standings(project, today)],
            }
        )
    return out


@router.get("/inspection-checklist", response=ChecklistOut)
def checklist(request):
    defects = DefectType.objects.select_related("item__category", "default_severity")
    return {
        "severities": list(Severity.objects.all()),
        "defect_types": [
            {
                "id": d.pk,
                "name": d.name,
                "item": d.item.name,
                "category": d.item.category.name,
                "category_code": d.item.category.code,
                "severity": d.default_severity.code,
                "requirement": d.requirement,
            }
            for d in defects
        ],
    }


@router.post("/inspection-projects/{code}/rounds", response={201: RoundOut})
def record_round(request, code: str, payload: RoundIn):
    """Record a round with its findings; send an ``Idempotency-Key`` header so that a resend
    returns the first round instead of a second one."""
    project = _project(request, code)
    data = payload.dict()
    round_ = rounds.record_round(
        by=request.user,
        project=project,
        data={
            "inspected_on": data["inspected_on"],
            "weather": data["weather"],
            "route": data["route"],
            "notes": data["notes"],
            "plan": data["plan"],
        },
        participants=data["participants"],
        findings=[{k: ("" if v is None else v) for k, v in f.items()} for f in data["findings"]],
        client_token=request.headers.get("Idempotency-Key", ""),
    )
    return Status(201, round_)


@router.get("/inspection-projects/{code}/findings", response=list[FindingOut])
@paginate
def ledger(
    request,
    code: str,
    section: int | None = None,
    category: str | None = None,
    severity: str | None = None,
    status: str | None = None,
    stake: str | None = None,
    q: str | None = None,
):
    project = _project(request, code)
    params = {
        k: str(v)
        for k, v in {
            "section": section,
            "category": category,
            "severity": severity,
            "status": status,
            "stake": stake,
            "q": q,
        }.items()
        if v is not None
    }
    qs, chosen = queries.filter_ledger(queries.findings(project), params, clock.today())
    if chosen.error:
        raise InvalidInput.single("stake", chosen.error)
    if not permissions.is_inspector(request.user, project):
        qs = qs.filter(section__contractor_id__in=permissions.organisation_ids(request.user))
    return qs.order_by("-round__inspected_on", "-number")


def _notice(request, pk: int) -> Notice:
    notice = get_object_or_404(
        Notice.objects.select_related("project", "section__contractor", "issuer"), pk=pk
    )
    user = request.user
    inspector = permissions.is_inspector(user, notice.project)
    if not (inspector or permissions.is_contractor(user, notice.section)):
        raise Http404
    if notice.status == "draft" and not inspector:
        raise Http404  # a draft is the inspectors' until it is issued
    return notice


@router.get("/rectification-notices/{pk}", response=NoticeOut)
def notice(request, pk: int):
    return _notice(request, pk)


@router.post("/rectification-notices/{pk}/issue", response=NoticeOut)
def issue(request, pk: int):
    return notices.issue(_notice(request, pk), by=request.user)


@router.post("/rectification-notices/{pk}/acknowledge", response=NoticeOut)
def acknowledge(request, pk: int):
    return notices.acknowledge(_notice(request, pk), by=request.user)


@router.post("/rectification-notices/{pk}/reply", response=NoticeOut)
def reply(request, pk: int, payload: ReplyIn):
    return notices.reply(
        _notice(request, pk),
        by=request.user,
        text=payload.text,
        measures=payload.measures,
        completed_on=payload.completed_on,
    )


@router.post("/rectification-notices/{pk}/recheck", response=NoticeOut)
def recheck(request, pk: int, payload: RecheckIn):
    return notices.recheck(
        _notice(request, pk), by=request.user, passed=payload.passed, opinion=payload.opinion
    )
