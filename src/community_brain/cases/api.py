"""API of the case ledger: categories, cases (list with the ledger's filters, report, read),
the timeline, actions (the same table as the pages), figures, similar cases."""

# No ``from __future__ import annotations`` here: django-ninja's @paginate resolves a view's
# annotations in its own module, where ``date`` would be unknown.
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Body, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import REPORT, Kind
from community_brain.cases import actions, machine, queries, services, timeline
from community_brain.cases.choices import Rating
from community_brain.cases.models import Case, Category
from community_brain.cases.services.common import add_photos, is_handler
from community_brain.core.errors import InvalidInput

router = Router(tags=["cases"])


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    respond_hours: int
    resolve_workdays: int
    default_priority: str


class CaseOut(Schema):
    id: int
    code: str
    title: str
    description: str
    category_id: int
    category: str
    source: str
    request_type: str
    priority: str
    status: str
    compound_id: int | None
    building_id: int | None
    household_id: int | None
    address: str
    lat: float | None
    lng: float | None
    organisation_id: int | None
    assignee_id: int | None
    reported_at: datetime
    respond_by: datetime | None
    resolve_by: datetime | None
    deadline_needs_review: bool
    paused: bool
    is_overdue: bool
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution: str
    result: str
    rating: str
    bounce_count: int
    reopen_count: int
    flagged: bool
    actions: list[str]

    @staticmethod
    def resolve_category(obj):
        return str(obj.category)

    @staticmethod
    def resolve_paused(obj):
        return obj.paused_at is not None

    @staticmethod
    def resolve_actions(obj):
        return machine.allowed_actions(obj)


class CaseIn(Schema):
    title: str
    description: str = ""
    category: int
    request_type: str = ""
    priority: str = ""
    compound: int | None = None
    building: int | None = None
    household: int | None = None
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    reporter_name: str = ""
    reporter_phone: str = ""
    source: str = "staff"


class EventOut(Schema):
    at: datetime
    kind: str
    sentence: str
    message: str
    actor: str
    from_status: str
    to_status: str
    public: bool


class FiguresOut(Schema):
    key: int | str | datetime | None = None
    label: str | None = None
    total: int
    open: int
    complaints: int
    overdue: int
    response_rate: float | None
    on_time_rate: float | None
    resolution_rate: float | None
    completion_rate: float | None
    satisfaction_rate: float | None


def _case(request, code: str) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related("category__parent"), code=code
    )


@router.get("/categories", response=list[CategoryOut])
def categories(request):
    return Category.objects.filter(is_active=True).order_by("order", "code")


@router.get("/cases", response=list[CaseOut])
@paginate
def list_cases(
    request,
    q: str | None = None,
    status: str | None = None,
    category: int | None = None,
    compound: int | None = None,
    organisation: int | None = None,
    grid: int | None = None,
    source: str | None = None,
    priority: str | None = None,
    request_type: str | None = None,
    overdue: bool | None = None,
    flagged: bool | None = None,
    since: str | None = None,
    until: str | None = None,
    assignee: int | None = None,
    due_since: date | None = None,
    due_until: date | None = None,
    resolved_since: date | None = None,
    resolved_until: date | None = None,
    rated_since: date | None = None,
    rated_until: date | None = None,
    rating: Rating | None = None,
    sort: str | None = None,
):
    params = {k: v for k, v in locals().items() if k != "request" and v is not None}
    qs = Case.objects.visible_to(request.user).select_related("category__parent")
    qs, _applied = queries.ledger(qs, params)
    return qs


@router.post("/cases", response={201: CaseOut})
def report(request, payload: CaseIn):
    if not access_for(request.user).allows(Kind.CASES, REPORT):
        raise PermissionDenied("you may not report cases")
    data = payload.dict()
    source = data.pop("source") or "staff"
    token = request.headers.get("Idempotency-Key", "")
    case = services.report(by=request.user, data=data, source=source, client_token=token)
    return Status(201, case)


@router.get("/cases/similar", response=list[CaseOut])
def similar(
    request,
    category: int,
    compound: int | None = None,
    lat: float | None = None,
    lng: float | None = None,
):
    cat = get_object_or_404(Category, pk=category)
    from community_brain.places.models import Compound

    place = Compound.objects.filter(pk=compound).first() if compound else None
    found = services.similar_cases(category=cat, compound=place, lat=lat, lng=lng)
    visible = Case.objects.visible_to(request.user).filter(pk__in=[c.pk for c in found])
    return visible.select_related("category__parent")


@router.get("/cases/figures", response=list[FiguresOut])
def figures(
    request,
    by: str = "compound",
    since: str | None = None,
    until: str | None = None,
    compound: int | None = None,
    category: int | None = None,
):
    if by not in {"compound", "category", "organisation", "source", "grid", "month", "all"}:
        raise InvalidInput.single(
            "by", "one of compound, category, organisation, source, grid, month, all"
        )
    params = {"since": since, "until": until, "compound": compound, "category": category}
    qs, _applied = queries.ledger(Case.objects.visible_to(request.user), params)
    qs = qs.order_by()
    if by == "all":
        return [queries.figures(qs)]
    return queries.figures(qs, by)


@router.get("/cases/{code}", response=CaseOut)
def get_case(request, code: str):
    return _case(request, code)


@router.get("/cases/{code}/timeline", response=list[EventOut])
def get_timeline(request, code: str):
    case = _case(request, code)
    events = case.events.all()
    staff = is_handler(request.user, case) or access_for(request.user).allows(
        Kind.CASES, "dispatch"
    )
    if not staff:
        events = events.filter(public=True)
    return [
        {
            "at": e.at,
            "kind": e.kind,
            "sentence": timeline.sentence(e),
            "message": e.message,
            "actor": e.actor_label,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "public": e.public,
        }
        for e in events
    ]


@router.post("/cases/{code}/actions/{action}", response=CaseOut)
def act(request, code: str, action: str, payload: dict = Body(default_factory=dict)):
    case = _case(request, code)
    if action not in actions.ACTIONS:
        raise InvalidInput.single("action", f"unknown action; one of {sorted(actions.ACTIONS)}")
    actions.perform(action, case, request.user, payload, prefixed=False)
    return _case(request, code)


@router.post("/cases/{code}/photos", response=CaseOut)
def add_photo(request, code: str, photo: UploadedFile = File(...)):
    case = _case(request, code)
    if not (is_handler(request.user, case) or case.reporter_user_id == request.user.pk):
        raise PermissionDenied
    stage = "result" if case.status in {"resolved", "verified", "closed"} else "report"
    add_photos(case, [photo], stage=stage, by=request.user)
    return case
