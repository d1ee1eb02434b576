"""API of the bulletin: the issues a person may see, one issue with its parts, the league
and its readers, and the moves of an issue and of a compound section — the same services
as the pages."""

# No ``from __future__ import annotations``: django-ninja's @paginate resolves annotations
# in its own module.
from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from community_brain.bulletins import league, reach, services
from community_brain.bulletins.models import Issue, Section
from community_brain.bulletins.queries import issues_for

router = Router(tags=["bulletins"])


class IssueOut(Schema):
    id: int
    slug: str
    title: str
    number: int
    period_start: date
    period_end: date
    status: str
    publish_at: datetime | None
    published_at: datetime | None


class SectionOut(Schema):
    id: int
    kind: str
    compound: str | None
    title: str
    body: str
    review: str
    deeds: int
    views: int


class IssueDetail(IssueOut):
    sections: list[SectionOut]
    league: list[dict]
    views: int


class SectionIn(Schema):
    title: str
    body: str = ""
    deeds: int = 0


class PublishIn(Schema):
    publish_at: datetime | None = None


class ReviewIn(Schema):
    to: str
    note: str = ""


def _detail(issue: Issue) -> dict:
    totals = reach.totals(issue)
    sections = []
    for s in issue.sections.select_related("compound"):
        sections.append(
            {
                "id": s.pk,
                "kind": s.kind,
                "compound": s.compound.name if s.compound_id else None,
                "title": s.title,
                "body": s.body,
                "review": s.review,
                "deeds": s.deeds,
                "views": totals.get(s.pk, 0),
            }
        )
    return {
        **{f: getattr(issue, f) for f in IssueOut.model_fields},
        "sections": sections,
        "league": league.table(issue),
        "views": totals.get(0, 0),
    }


@router.get("/bulletins", response=list[IssueOut])
@paginate
def issue_list(request, status: str | None = None):
    qs = issues_for(request.user)
    return qs.filter(status=status) if status else qs


@router.get("/bulletins/{pk}", response=IssueDetail)
def issue_detail(request, pk: int):
    return _detail(get_object_or_404(issues_for(request.user), pk=pk))


@router.put("/bulletins/sections/{pk}", response=IssueDetail)
def edit_section(request, pk: int, payload: SectionIn):
    section = get_object_or_404(Section.objects.filter(issue__in=issues_for(request.user)), pk=pk)
    services.edit_section(by=request.user, section=section, data=payload.dict())
    return _detail(section.issue)


@router.post("/bulletins/sections/{pk}/review", response=IssueDetail)
def review_section(request, pk: int, payload: ReviewIn):
    section = get_object_or_404(Section.objects.filter(issue__in=issues_for(request.user)), pk=pk)
    services.move_section(by=request.user, section=section, to=payload.to, note=payload.note)
    return _detail(section.issue)


@router.post("/bulletins/{pk}/submit", response=IssueDetail)
def submit(request, pk: int):
    issue = get_object_or_404(issues_for(request.user), pk=pk)
    return _detail(services.submit(by=request.user, issue=issue))


@router.post("/bulletins/{pk}/publish", response=IssueDetail)
def publish(request, pk: int, payload: PublishIn):
    issue = get_object_or_404(issues_for(request.user), pk=pk)
    data = {"publish_at": payload.publish_at} if payload.publish_at else {}
    return _detail(services.publish(by=request.user, issue=issue, data=data))
