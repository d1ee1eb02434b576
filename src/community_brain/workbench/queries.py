"""Read side of the workbenches: the grid worker's cases, the handlers' inbox with the moves
each row allows, and the secretary's overview. Every queryset starts from
``Case.objects.visible_to(user)``; every number of the overview is counted by the ledger's
own filter code (``cases.queries.ledger``) with the parameters of the link it shows, so a
number and the list behind it cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from community_brain.accounts.models import Membership, Organisation
from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import DISPATCH, HANDLE, Kind, Level, Role, role_allows
from community_brain.cases import machine
from community_brain.cases import queries as case_queries
from community_brain.cases.choices import OPEN_STATUSES, EventKind, Rating, Status
from community_brain.cases.models import Case, CaseEvent, CaseParticipant
from community_brain.cases.services.common import may
from community_brain.places import queries as place_queries
from community_brain.places.models import Grid
from community_brain.workbench.deadlines import due_soon_until, late_q

ROW_COLUMNS = ("category", "compound", "building__compound", "household", "organisation")
LIST_LIMIT = 100  # rows per section of the phone home; the counts are exact


# --- the grid worker's phone home ---------------------------------------------------------


def grid_ids(user) -> list[int]:
    """The grids the user works as a grid worker."""
    return sorted(
        g.object_id
        for g in access_for(user).grants
        if g.role == Role.GRID_WORKER and g.level == Level.GRID and g.object_id
    )


def my_cases(user):
    """Open cases assigned to the user or in their grids, among those they may see."""
    mine = Q(assignee_id=user.pk)
    grids = grid_ids(user)
    if grids:
        mine |= Q(grid_id__in=grids)
    return Case.objects.visible_to(user).filter(mine, status__in=OPEN_STATUSES)


def grid_home(user, now: datetime) -> dict:
    """The three parts of the phone home — overdue, due within two working days, the rest —
    each ordered by deadline, with their counts and the size of the care list."""
    cases = my_cases(user).select_related(*ROW_COLUMNS)
    late = late_q(now)
    soon = Q(resolve_by__gte=now, resolve_by__lte=due_soon_until(now)) & ~late
    parts = {
        "overdue": cases.filter(late),
        "due_soon": cases.filter(soon),
        "others": cases.exclude(late).exclude(soon),
    }
    out = {}
    for name, qs in parts.items():
        qs = qs.order_by(F("resolve_by").asc(nulls_last=True), "id")
        out[name] = list(qs[:LIST_LIMIT])
        out[f"{name}_count"] = qs.count() if len(out[name]) == LIST_LIMIT else len(out[name])
    out["total"] = out["overdue_count"] + out["due_soon_count"] + out["others_count"]
    out["care_households"] = (
        place_queries.care_list(user).order_by().values("household_id").distinct().count()
    )
    return out


# --- the handlers' inbox --------------------------------------------------------------------

INBOX_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS)
INBOX_ACTIONS = ("accept", "start")  # the moves a row offers as buttons; the rest on the case


class Waiting:
    """What an inbox row waits for."""

    TO_ACCEPT = "to_accept"
    IN_PROGRESS = "in_progress"
    SENT_BACK = "sent_back"

    labels = {
        TO_ACCEPT: _("to accept"),
        IN_PROGRESS: Status.IN_PROGRESS.label,
        SENT_BACK: EventKind.SENT_BACK.label,
    }


def handling_organisations(user) -> list[int]:
    """The organisations the user handles cases for (active memberships with a role that
    may handle cases)."""
    return sorted(
        {
            g.organisation_id
            for g in access_for(user).grants
            if g.organisation_id and role_allows(g.role, Kind.CASES, HANDLE)
        }
    )


def _last_move():
    """The kind of the case's latest change of status (sent back, reopened, transferred…)."""
    return Subquery(
        CaseEvent.objects.filter(case_id=OuterRef("pk"))
        .exclude(to_status="")
        .order_by("-at", "-id")
        .values("kind")[:1]
    )


def inbox(user, now: datetime, waiting: str = ""):
    """Cases with the user's organisations (responsible or active co-handler) or assigned
    to the user, waiting for them; overdue first, then by deadline. ``waiting`` narrows to
    one of ``Waiting``'s values."""
    orgs = handling_organisations(user)
    joint = Exists(
        CaseParticipant.objects.filter(
            case_id=OuterRef("pk"), active=True, organisation_id__in=orgs
        )
    )
    qs = (
        Case.objects.visible_to(user)
        .filter(status__in=INBOX_STATUSES)
        .filter(Q(organisation_id__in=orgs) | joint | Q(assignee_id=user.pk))
        .annotate(
            last_move=_last_move(),
            late=models.Case(
                When(late_q(now), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )
    )
    if waiting == Waiting.TO_ACCEPT:
        qs = qs.filter(status=Status.ASSIGNED)
    elif waiting == Waiting.SENT_BACK:
        qs = qs.filter(status=Status.IN_PROGRESS, last_move=EventKind.SENT_BACK)
    elif waiting == Waiting.IN_PROGRESS:
        qs = qs.filter(status=Status.IN_PROGRESS).exclude(last_move=EventKind.SENT_BACK)
    return qs.select_related(*ROW_COLUMNS).order_by(
        F("late").desc(), F("resolve_by").asc(nulls_last=True), "id"
    )


def waiting_of(case) -> str:
    if case.status == Status.ASSIGNED:
        return Waiting.TO_ACCEPT
    if getattr(case, "last_move", None) == EventKind.SENT_BACK:
        return Waiting.SENT_BACK
    return Waiting.IN_PROGRESS


def inbox_counts(user, now: datetime) -> dict[str, int]:
    """How many rows each tab of the inbox has, in one query."""
    qs = inbox(user, now).order_by()
    sent_back = Q(status=Status.IN_PROGRESS, last_move=EventKind.SENT_BACK)
    return qs.aggregate(
        all=Count("id"),
        late_count=Count("id", filter=Q(late=True)),
        to_accept=Count("id", filter=Q(status=Status.ASSIGNED)),
        sent_back=Count("id", filter=sent_back),
        in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS) & ~sent_back),
    )


def row_actions(user, cases) -> dict[int, list[str]]:
    """The inbox moves each case allows now (state machine) and the user may take (rights),
    with the rights looked up for the whole page at once."""
    cases = list(cases)
    ids = [c.pk for c in cases]
    dispatchable = set(
        Case.objects.filter(pk__in=ids).restrict(user, DISPATCH).values_list("pk", flat=True)
    )
    member_orgs = set(
        Membership.objects.filter(
            user=user, is_active=True, organisation__isnull=False
        ).values_list("organisation_id", flat=True)
    )
    joint = set(
        CaseParticipant.objects.filter(
            case_id__in=ids, active=True, organisation_id__in=member_orgs
        ).values_list("case_id", flat=True)
    )
    out = {}
    for case in cases:
        handler = (
            case.assignee_id == user.pk or case.organisation_id in member_orgs or case.pk in joint
        )
        allowed = machine.allowed_actions(case)
        out[case.pk] = [
            action
            for action in INBOX_ACTIONS
            if action in allowed
            and may(user, case, action, dispatcher=case.pk in dispatchable, handler=handler)
        ]
    return out


# --- the secretary's overview ---------------------------------------------------------------


ALERT_TILES = frozenset({"overdue", "flagged", "unsatisfied"})  # shown in red when not zero


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    count: int
    url: str

    @property
    def alert(self) -> bool:
        return self.key in ALERT_TILES


def tile_params(today: date) -> list[tuple[str, str, dict]]:
    """Each tile: its key, its label, and the ledger parameters it counts and links to."""
    day, month = today.isoformat(), today.replace(day=1).isoformat()
    return [
        ("open", _("Open cases"), {"status": "open"}),
        ("overdue", _("Overdue"), {"overdue": "1", "sort": "deadline"}),
        (
            "due_today",
            _("Due today"),
            {"status": "open", "due_since": day, "due_until": day, "sort": "deadline"},
        ),
        ("to_verify", _("Waiting for verification"), {"status": Status.RESOLVED}),
        ("to_rate", _("Waiting for the resident's rating"), {"status": Status.VERIFIED}),
        ("flagged", _("Flagged for supervision, still open"), {"flagged": "1", "status": "open"}),
        (
            "unsatisfied",
            _("Unsatisfied ratings this month"),
            {"rating": Rating.UNSATISFIED, "rated_since": month},
        ),
        ("reported_today", _("Reported today"), {"since": day, "until": day}),
    ]


def overview_tiles(user, today: date) -> list[Tile]:
    visible = Case.objects.visible_to(user)
    return [
        Tile(
            key,
            str(label),
            case_queries.ledger_count(visible, params),
            case_queries.ledger_url(params),
        )
        for key, label, params in tile_params(today)
    ]


@dataclass(frozen=True)
class Row:
    label: str
    open: int
    overdue: int
    open_url: str
    overdue_url: str


def _grouped(qs, params: dict, key: str) -> dict[int, int]:
    filtered, _applied = case_queries.ledger(qs, params)
    rows = filtered.order_by().values(key).annotate(n=Count("id"))
    return {r[key]: r["n"] for r in rows if r[key] is not None}


def overview_table(user, by: str) -> list[Row]:
    """Open and overdue cases per organisation or per grid (``by``), each number counted by
    the ledger's filters and linking to them. Cases with no organisation or grid are left
    out: the ledger cannot list "none" (the tiles count them)."""
    key, model = {"organisation": ("organisation_id", Organisation), "grid": ("grid_id", Grid)}[by]
    visible = Case.objects.visible_to(user)
    open_params, overdue_params = {"status": "open"}, {"overdue": "1", "sort": "deadline"}
    opened = _grouped(visible, open_params, key)
    overdue = _grouped(visible, overdue_params, key)
    names = {o.pk: str(o) for o in model.objects.filter(pk__in=set(opened) | set(overdue))}
    rows = []
    for pk in sorted(names, key=lambda pk: (-overdue.get(pk, 0), -opened.get(pk, 0), names[pk])):
        rows.append(
            Row(
                label=names[pk],
                open=opened.get(pk, 0),
                overdue=overdue.get(pk, 0),
                open_url=case_queries.ledger_url({**open_params, by: pk}),
                overdue_url=case_queries.ledger_url({**overdue_params, by: pk}),
            )
        )
    return rows
