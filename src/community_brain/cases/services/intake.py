"""Intake: a problem becomes a case — validated, placed, numbered, given its deadlines,
routed to the responsible organisation, and (for staff and machine sources) dispatched."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import DISPATCH, Kind
from community_brain.cases import notices, routing, sla
from community_brain.cases.choices import EventKind, ParticipantRole, Source, Status
from community_brain.cases.forms import CaseReportForm
from community_brain.cases.models import Case, CaseCounter, CaseParticipant
from community_brain.cases.services.common import add_photos, event, now
from community_brain.core.errors import InvalidInput, validated
from community_brain.places.models import Community

# Sources whose cases go straight to the responsible organisation.
MACHINE_SOURCES = {Source.DEVICE_ALARM, Source.GATE_ALERT, Source.INSPECTION, Source.LIST_AUDIT}


def next_code(community: Community, year: int) -> str:
    """The next number of the community's year, taken under the counter row's lock (one
    statement: UPDATE … RETURNING, which PostgreSQL and SQLite ≥ 3.35 both speak)."""
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    bump = (
        f"UPDATE {table} SET last = last + 1 WHERE community_id = %s AND year = %s RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(bump, [community.pk, year])
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    CaseCounter.objects.create(community=community, year=year, last=1)
                    row = (1,)
            except IntegrityError:  # created meanwhile by another process
                cursor.execute(bump, [community.pk, year])
                row = cursor.fetchone()
    return f"{community.code}-{year}-{row[0]:06d}"


def _community_for(by, cleaned) -> Community:
    if cleaned.get("compound") is not None:
        return cleaned["compound"].community
    communities = Community.objects.all()
    if by is not None and getattr(by, "is_authenticated", False):
        access = access_for(by)
        ids = {c for g in access.grants for c in g.community_ids}
        if ids:
            communities = communities.filter(pk__in=ids)
    community = communities.order_by("pk").first()
    if community is None:
        raise InvalidInput.single("compound", _("Say which compound the problem is in."))
    return community


@transaction.atomic
def report(
    *,
    by,
    data: Mapping,
    source: str,
    photos=(),
    client_token: str = "",
    when=None,
    auto_dispatch: bool | None = None,
    keep_photo_location: bool = False,
    reporter_resident=None,
    external_ref: str = "",
) -> Case:
    """Register a problem. Replaying the same ``client_token`` returns the first case."""
    if source not in Source.values:
        raise InvalidInput.single("source", _("Unknown source."))
    if client_token:
        existing = Case.objects.filter(source=source, client_token=client_token).first()
        if existing is not None:
            return existing
    cleaned = validated(CaseReportForm(data=data))
    community = _community_for(by, cleaned)
    reported_at = when or now()
    case = Case(
        community=community,
        source=source,
        reported_at=reported_at,
        client_token=client_token[:64],
        external_ref=external_ref[:80],
        reporter_resident=reporter_resident,
    )
    for field in CaseReportForm.FIELDS:
        value = cleaned.get(field)
        if value is not None and value != "":
            setattr(case, field, value)
    case.priority = cleaned.get("priority") or case.category.default_priority
    if case.building_id and case.building.grid_id:
        case.grid_id = case.building.grid_id
    if getattr(by, "is_authenticated", False):
        case.reporter_user = by
        if not case.reporter_name:
            case.reporter_name = str(by)
    sla.initial_deadlines(case)
    organisation, why = routing.route(case.category, case.compound, community)
    case.routed_to = organisation
    case.code = next_code(community, timezone.localtime(reported_at).year)
    if auto_dispatch is None:
        auto_dispatch = source in MACHINE_SOURCES or (
            getattr(by, "is_authenticated", False) and access_for(by).allows(Kind.CASES, DISPATCH)
        )
    dispatch = auto_dispatch and organisation is not None
    if dispatch:  # settled before the first write, so the case is inserted once
        case.status = Status.ASSIGNED
        case.organisation = organisation
        case.accepted_at = case.assigned_at = reported_at
    case.save()
    ev = event(
        case,
        EventKind.REPORTED,
        by,
        to_status=Status.REPORTED,
        message=case.description[:200],
        at=reported_at,
        data={"source": source, "routed_to": organisation.pk if organisation else None, "why": why},
    )
    add_photos(case, photos, stage="report", by=by, ev=ev, keep_location=keep_photo_location)

    if dispatch:
        _dispatch(case, by, reported_at)
    return case


def _dispatch(case: Case, by, at) -> None:
    """Accepted and assigned to the routed organisation in one go (staff and machine
    sources): the lead handler, the timeline row, the notice."""
    CaseParticipant.objects.create(
        case=case, organisation=case.organisation, role=ParticipantRole.LEAD
    )
    ev = event(
        case,
        EventKind.ASSIGNED,
        by,
        from_status=Status.REPORTED,
        to_status=Status.ASSIGNED,
        at=at,
        data={"organisation": case.organisation_id, "automatic": True},
    )
    notices.assigned(case, ev)


def similar_cases(*, category, compound=None, lat=None, lng=None, days: int = 14, limit=5):
    """Open cases of the same category nearby and recent: shown before a report is sent."""
    since = now() - timedelta(days=days)
    qs = Case.objects.filter(
        category=category,
        reported_at__gte=since,
        status__in=[Status.REPORTED, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS],
    )
    if compound is not None:
        qs = qs.filter(compound=compound)
    elif lat is not None and lng is not None:
        box = 0.003  # about 300 m
        qs = qs.filter(lat__range=(lat - box, lat + box), lng__range=(lng - box, lng + box))
    else:
        return Case.objects.none()
    return qs.order_by("-reported_at")[:limit]
