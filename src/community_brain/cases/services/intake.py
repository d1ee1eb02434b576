"""Intake: a problem becomes a case — validated, placed, numbered, given its deadlines,
routed to the responsible organisation, and (for staff and machine sources) dispatched."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import DISPATCH, Kind
from community_brain.cases import notices, routing, sla
from community_brain.cases.announce import announce, announce_many
from community_brain.cases.choices import EventKind, ParticipantRole, Source, Status
from community_brain.cases.forms import CaseReportCheck, CaseReportForm
from community_brain.cases.models import Case, CaseCounter, CaseEvent, CaseParticipant
from community_brain.cases.services.common import actor_label, add_photos, event_row, now
from community_brain.core import bulkinsert, context
from community_brain.core.errors import InvalidInput, validated
from community_brain.core.groupcommit import GroupCommit, Promise
from community_brain.places.models import Community

# Sources whose cases go straight to the responsible organisation.
MACHINE_SOURCES = {Source.DEVICE_ALARM, Source.GATE_ALERT, Source.INSPECTION, Source.LIST_AUDIT}
SOURCES = frozenset(Source.values)


def next_code(community: Community, year: int) -> str:
    """The next case code of the community's year (``next_codes``)."""
    return next_codes(community, year, 1)[0]


def next_codes(community: Community, year: int, count: int) -> list[str]:
    """The next ``count`` numbers of the community's year, in one statement (UPDATE …
    RETURNING, which PostgreSQL and SQLite ≥ 3.35 both speak).

    ``report`` numbers just before its write transaction, so when it is the outermost call
    the statement commits at once and the counter row is locked for that statement only:
    concurrent reports, and the two web processes, do not queue behind each other's whole
    write (measured: about a third more reports per second). The price is that a write
    failing after numbering (the database going away, two copies of one report racing in a
    batch) leaves a gap; codes stay unique and increasing. Inside a caller's transaction (an
    alarm raising a case) the number is taken, and given back on rollback, with it.
    """
    bump = _bump_sql()
    with connection.cursor() as cursor:
        cursor.execute(bump, [count, community.pk, year])
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    CaseCounter.objects.create(community=community, year=year, last=count)
                    row = (count,)
            except IntegrityError:  # created meanwhile by another process
                cursor.execute(bump, [count, community.pk, year])
                row = cursor.fetchone()
    last = row[0]
    return [_code(community, year, n) for n in range(last - count + 1, last + 1)]


def _code(community: Community, year: int, number: int) -> str:
    return f"{community.code}-{year}-{number:06d}"


def _bump_sql(condition: str = "") -> str:
    """The counter statement: ``%s`` more numbers for a community's year, the last one
    returned; ``condition`` narrows when it may take them."""
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    return (
        f"UPDATE {table} SET last = last + %s WHERE community_id = %s AND year = %s"
        f"{condition} RETURNING last"
    )


def _cases_with_tokens_sql(count: int) -> str:
    """The ids of cases holding one of ``count`` client tokens (``%s`` each)."""
    quote = connection.ops.quote_name
    return "SELECT {id} FROM {table} WHERE {token} IN ({marks})".format(
        id=quote(Case._meta.pk.column),
        table=quote(Case._meta.db_table),
        token=quote(Case._meta.get_field("client_token").column),
        marks=", ".join(["%s"] * count),
    )


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


@dataclass
class Draft:
    """A validated report, not yet written: the case in memory and what its write needs."""

    case: Case
    by: object
    auto_dispatch: bool | None
    photos: tuple = ()
    keep_photo_location: bool = False
    acting: context.ActingContext = field(default_factory=context.current)
    why: str = ""
    dispatch: bool = False
    route_to: object = None  # the responsible organisation when the caller knows it
    resolve_by: object = None  # the deadline when the caller sets it (an inspection notice)
    oversight: tuple = ()  # organisations that see and verify the case without handling it


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
    route_to=None,
    community=None,
    resolve_by=None,
    oversight=(),
) -> Case:
    """Register a problem. Replaying the same ``client_token`` returns the first case, also
    when the replay races the original. ``route_to``: the responsible organisation, when the
    caller knows it better than the routing rules (a list audit's department). ``community``:
    whose ledger numbers the case, when no compound says it (a highway project's ledger).
    ``resolve_by``: the deadline, when the reporting module sets it instead of the category's
    service level. ``oversight``: organisations that see and verify the case."""
    draft = prepare(
        by=by,
        data=data,
        source=source,
        photos=photos,
        client_token=client_token,
        when=when,
        auto_dispatch=auto_dispatch,
        keep_photo_location=keep_photo_location,
        reporter_resident=reporter_resident,
        external_ref=external_ref,
        community=community,
    )
    draft.route_to, draft.resolve_by, draft.oversight = route_to, resolve_by, tuple(oversight)
    promise = _on_their_way.get()  # the request's, when it promised the group commit a report
    if draft.photos or connection.in_atomic_block or not settings.CASES_GROUP_COMMIT:
        # Inside the caller's transaction the write must stay in it; photos are files.
        if promise is not None:
            promise.withdraw()
        case = draft.case
        existing = _by_token(case.source, case.client_token) if case.client_token else None
        return existing or _write_one(draft, routing.route)
    return _group.submit(draft, promise)


# The report the current request is about to make, promised to the group commit when the
# request arrived (``expecting_report``).
_on_their_way: ContextVar[Promise | None] = ContextVar("case_report_on_its_way", default=None)


@contextmanager
def expecting_report():
    """Around a whole request that reports a case (the API's and Open311's POST): from the
    moment it arrives, a batch about to be written waits for its report (at most
    ``CASES_GROUP_LINGER_MS``), so that batches form while the request is still being
    authenticated and parsed. Measured on case intake: batches of 1.1 reports became 1.7,
    with a third less CPU per report. Nothing waits when no such request is under way."""
    if not settings.CASES_GROUP_COMMIT:
        yield
        return
    with _group.expecting() as promise:
        token = _on_their_way.set(promise)
        try:
            yield
        finally:
            _on_their_way.reset(token)


def prepare(
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
    community=None,
) -> Draft:
    """Validate a report without writing anything. Raises ``InvalidInput``."""
    if source not in SOURCES:
        raise InvalidInput.single("source", _("Unknown source."))
    cleaned = validated(CaseReportCheck(data=data))
    community = community or _community_for(by, cleaned)
    case = Case(
        community=community,
        source=source,
        reported_at=when or now(),
        client_token=client_token[:64],
        external_ref=external_ref[:80],
        reporter_resident=reporter_resident,
    )
    for name in CaseReportForm.FIELDS:
        value = cleaned.get(name)
        if value is not None and value != "":
            setattr(case, name, value)
    case.priority = cleaned.get("priority") or case.category.default_priority
    if case.building_id and case.building.grid_id:
        case.grid_id = case.building.grid_id
    if getattr(by, "is_authenticated", False):
        case.reporter_user = by
        if not case.reporter_name:
            case.reporter_name = str(by)
    if auto_dispatch is None:
        auto_dispatch = source in MACHINE_SOURCES or (
            getattr(by, "is_authenticated", False) and access_for(by).allows(Kind.CASES, DISPATCH)
        )
    return Draft(
        case=case,
        by=by,
        auto_dispatch=auto_dispatch,
        photos=tuple(photos or ()),
        keep_photo_location=keep_photo_location,
    )


def _settle(draft: Draft, route) -> None:
    """Deadlines, the responsible organisation, and whether the case goes straight to it."""
    case = draft.case
    sla.initial_deadlines(case)
    if draft.resolve_by is not None:
        case.resolve_by, case.deadline_needs_review = draft.resolve_by, False
    if draft.route_to is not None:
        organisation, draft.why = draft.route_to, "given by the reporting module"
    else:
        organisation, draft.why = route(case.category, case.compound, case.community)
    case.routed_to = organisation
    draft.dispatch = bool(draft.auto_dispatch and organisation is not None)
    if draft.dispatch:  # settled before the first write, so the case is inserted once
        case.status = Status.ASSIGNED
        case.organisation = organisation
        case.accepted_at = case.assigned_at = case.reported_at


def _year(case: Case) -> int:
    return timezone.localtime(case.reported_at).year


def _write_one(draft: Draft, route) -> Case:
    _settle(draft, route)
    case = draft.case
    case.code = next_code(case.community, _year(case))
    try:
        with transaction.atomic():
            _write(draft)
    except IntegrityError:
        existing = _by_token(case.source, case.client_token) if case.client_token else None
        if existing is None:
            raise
        return existing  # the same report, sent twice at once: the other copy won
    return case


def report_many(drafts: list[Draft]) -> list[Case | Exception]:
    """Write many drafts at once (group commit): one numbering statement per community and
    year, one transaction, one INSERT per table. The result, in order, is each draft's case
    — or, if the batch could not be written as a whole (two copies of one report racing),
    each draft written on its own, with its own case or error."""
    results: list = [None] * len(drafts)
    fresh: dict[tuple, int] = {}  # (source, token) → the index of the draft that writes it
    for i, draft in enumerate(drafts):
        key = _key(draft)
        if not key[1]:
            continue
        if key in fresh:  # sent twice in one batch: written once
            results[i] = fresh[key]
        else:
            fresh[key] = i
    todo = [i for i, r in enumerate(results) if r is None]
    numbered = _numbered_if_new([drafts[i] for i in todo])
    if not numbered:
        known = _known_tokens([drafts[i] for i in todo])
        for i in todo:
            results[i] = known.get(_key(drafts[i]))  # a replay: the first report's case
        todo = [i for i in todo if results[i] is None]
    written = _write_many([drafts[i] for i in todo], numbered=numbered)
    for i, case in zip(todo, written, strict=True):
        results[i] = case
    return [results[r] if isinstance(r, int) else r for r in results]


def _numbered_if_new(drafts: list[Draft]) -> bool:
    """Number the drafts in the statement that also asks whether any of them is a replay:
    the usual batch (one ledger, nothing sent before) then costs one statement, not two.
    False — nothing numbered — when a token is already known, the batch spans several
    ledgers, or the year's counter does not exist yet: the caller checks for replays and
    numbers as ``next_codes`` does."""
    ledgers = {(d.case.community, _year(d.case)) for d in drafts}
    if len(ledgers) != 1:
        return False
    [(community, year)] = ledgers
    tokens = _tokens(drafts)
    unless = f" AND NOT EXISTS ({_cases_with_tokens_sql(len(tokens))})" if tokens else ""
    with connection.cursor() as cursor:
        cursor.execute(_bump_sql(unless), [len(drafts), community.pk, year, *tokens])
        row = cursor.fetchone()
    if row is None:
        return False
    first = row[0] - len(drafts) + 1
    for n, draft in enumerate(drafts, start=first):
        draft.case.code = _code(community, year, n)
    return True


def _tokens(drafts: list[Draft]) -> list[str]:
    return sorted({d.case.client_token for d in drafts if d.case.client_token})


def _key(draft: Draft) -> tuple[str, str]:
    """What makes two reports one: their source and client token."""
    return draft.case.source, draft.case.client_token


def _known_tokens(drafts: list[Draft]) -> dict[tuple, Case]:
    """The cases already written for these drafts' tokens (replays). Asked when numbering
    could not rule replays out (``_numbered_if_new``), so the question is plain SQL; only a
    hit loads cases."""
    tokens = _tokens(drafts)
    if not tokens:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_cases_with_tokens_sql(len(tokens)), tokens)
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return {}
    return {(c.source, c.client_token): c for c in Case.objects.filter(pk__in=ids).order_by()}


def _write_many(drafts: list[Draft], *, numbered: bool = False) -> list[Case | Exception]:
    if not drafts:
        return []
    route = routing.route  # reads the reference snapshots: no query per draft
    for draft in drafts:
        _settle(draft, route)
    labels: dict = {}
    for draft in drafts:  # one membership query per person, not per case
        user = draft.by
        if getattr(user, "is_authenticated", False):
            labels.setdefault(user.pk, actor_label(user))
            user._case_actor_label = labels[user.pk]
    if not numbered:
        _number(drafts)
    try:
        with transaction.atomic():
            _write_batch(drafts)
    except IntegrityError:
        return [_retry_alone(draft, route) for draft in drafts]
    return [draft.case for draft in drafts]


def _number(drafts: list[Draft]) -> None:
    groups: dict[tuple, list[Case]] = {}
    for draft in drafts:
        groups.setdefault((draft.case.community, _year(draft.case)), []).append(draft.case)
    for (community, year), cases in groups.items():
        for case, code in zip(cases, next_codes(community, year, len(cases)), strict=True):
            case.code = code


_group = GroupCommit(
    report_many,
    writers=settings.CASES_GROUP_WRITERS,
    linger=settings.CASES_GROUP_LINGER_MS / 1000,
)


def _retry_alone(draft: Draft, route) -> Case | Exception:
    draft.case.pk = None
    draft.case._state.adding = True
    try:
        return _write_one(draft, route)
    except Exception as exc:  # handed to the caller that submitted this draft
        return exc


def _by_token(source: str, client_token: str) -> Case | None:
    return Case.objects.filter(source=source, client_token=client_token).first()


def _reported(draft: Draft) -> CaseEvent:
    case = draft.case
    return event_row(
        case,
        EventKind.REPORTED,
        draft.by,
        to_status=Status.REPORTED,
        message=case.description[:200],
        at=case.reported_at,
        data={"source": case.source, "routed_to": case.routed_to_id, "why": draft.why},
        acting=draft.acting,
    )


def _assigned(draft: Draft) -> CaseEvent:
    case = draft.case
    return event_row(
        case,
        EventKind.ASSIGNED,
        draft.by,
        from_status=Status.REPORTED,
        to_status=Status.ASSIGNED,
        at=case.reported_at,
        data={"organisation": case.organisation_id, "automatic": True},
        acting=draft.acting,
    )


def _lead(case: Case) -> CaseParticipant:
    return CaseParticipant(case=case, organisation=case.organisation, role=ParticipantRole.LEAD)


def _overseers(draft: Draft) -> list[CaseParticipant]:
    return [
        CaseParticipant(case=draft.case, organisation=org, role=ParticipantRole.OVERSIGHT)
        for org in draft.oversight
        if org is not None and org != draft.case.organisation
    ]


def _write(draft: Draft) -> None:
    case = draft.case
    case.save(force_insert=True)
    ev = _reported(draft)
    ev.save()
    announce(case, EventKind.REPORTED)
    add_photos(
        case,
        draft.photos,
        stage="report",
        by=draft.by,
        ev=ev,
        keep_location=draft.keep_photo_location,
    )
    CaseParticipant.objects.bulk_create(_overseers(draft))
    if draft.dispatch:
        # Accepted and assigned to the routed organisation in one go (staff and machine
        # sources): the lead handler, the timeline row, the notice.
        _lead(case).save()
        assigned = _assigned(draft)
        assigned.save()
        notices.assigned(case, assigned)


def _write_batch(drafts: list[Draft]) -> None:
    if any(d.photos for d in drafts):
        raise ValueError("reports with photos are written one at a time (report)")
    bulkinsert.insert([d.case for d in drafts])
    dispatched = [d for d in drafts if d.dispatch]
    rows = [_reported(d) for d in drafts] + [_assigned(d) for d in dispatched]
    bulkinsert.insert(rows)
    announce_many([d.case for d in drafts], EventKind.REPORTED)
    bulkinsert.insert(
        [_lead(d.case) for d in dispatched] + [p for d in drafts for p in _overseers(d)]
    )
    with notices.batched():
        for draft, assigned in zip(dispatched, rows[len(drafts) :], strict=True):
            notices.assigned(draft.case, assigned)


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
