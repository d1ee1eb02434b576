"""The moves of a case after intake: accept, assign, start, transfer (转办), return (退单),
resolve, send back, verify, rate, close, reopen (重办), reject, mark duplicate; and the
clock: pause, resume, more time."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from community_brain.accounts.models import Organisation, User
from community_brain.cases import machine, notices, sla
from community_brain.cases.choices import (
    EventKind,
    ParticipantRole,
    Rating,
    Resolution,
    Status,
)
from community_brain.cases.models import Case, CaseParticipant, ExtensionRequest
from community_brain.cases.services.common import (
    add_photos,
    event,
    is_handler,
    locked,
    now,
    require_right,
)
from community_brain.core.errors import InvalidInput

BOUNCES_TO_FLAG = 2


def _begin(case: Case, action: str, by) -> Case:
    case = locked(case)
    machine.check(case, action)
    require_right(by, case, action)
    return case


def _move(case: Case, to: str, kind: str, by, **event_kwargs):
    before = case.status
    case.status = to
    case.save()
    return event(case, kind, by, from_status=before, to_status=to, **event_kwargs)


def _reason(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if len(text) < 2:
        raise InvalidInput.single(field, _("Give a reason."))
    return text


def _respond(case: Case, at) -> None:
    if case.responded_at is None:
        case.responded_at = at
        case.responded_on_time = case.respond_by is None or at <= case.respond_by


def _set_lead(case: Case, organisation: Organisation) -> None:
    CaseParticipant.objects.filter(case=case, role=ParticipantRole.LEAD, active=True).exclude(
        organisation=organisation
    ).update(active=False)
    CaseParticipant.objects.filter(case=case, organisation=organisation, active=True).exclude(
        role=ParticipantRole.LEAD
    ).update(active=False)
    CaseParticipant.objects.get_or_create(
        case=case, organisation=organisation, active=True, defaults={"role": ParticipantRole.LEAD}
    )
    case.organisation = organisation


def _bounce(case: Case, by) -> None:
    case.bounce_count += 1
    newly_flagged = case.bounce_count >= BOUNCES_TO_FLAG and not case.flagged
    case.flagged = case.flagged or newly_flagged
    case.save(update_fields=["bounce_count", "flagged", "updated_at"])
    if newly_flagged:
        event(
            case,
            EventKind.FLAGGED,
            by,
            public=False,
            data={"why": "bounced", "bounces": case.bounce_count},
        )


@transaction.atomic
def accept(case: Case, *, by, note: str = "") -> Case:
    case = _begin(case, "accept", by)
    case.accepted_at = now()
    _move(case, Status.ACCEPTED, EventKind.ACCEPTED, by, note=note)
    return case


@transaction.atomic
def assign(
    case: Case,
    *,
    by,
    organisation: Organisation | None = None,
    assignee: User | None = None,
    co_handlers=(),
    note: str = "",
) -> Case:
    case = _begin(case, "assign", by)
    organisation = organisation or case.organisation or case.routed_to
    if organisation is None:
        raise InvalidInput.single("organisation", _("Choose who is responsible."))
    at = now()
    if case.accepted_at is None:
        case.accepted_at = at
    case.assigned_at = at
    _set_lead(case, organisation)
    case.assignee = assignee
    for org in co_handlers:
        _add_co(case, org)
    ev = _move(
        case,
        Status.ASSIGNED,
        EventKind.ASSIGNED,
        by,
        note=note,
        data={
            "organisation": organisation.pk,
            "assignee": assignee.pk if assignee else None,
            "co_handlers": [o.pk for o in co_handlers],
        },
    )
    notices.assigned(case, ev)
    return case


def _add_co(case: Case, organisation: Organisation) -> None:
    if organisation.pk == case.organisation_id:
        return
    CaseParticipant.objects.get_or_create(
        case=case, organisation=organisation, active=True, defaults={"role": ParticipantRole.CO}
    )


@transaction.atomic
def add_co_handler(case: Case, *, by, organisation: Organisation) -> Case:
    case = _begin(case, "add_co_handler", by)
    _add_co(case, organisation)
    event(case, EventKind.CO_HANDLER_ADDED, by, data={"organisation": organisation.pk})
    notices.send(
        case, "case.assigned", notices.handlers_of(organisation), key=f"co:{organisation.pk}"
    )
    return case


@transaction.atomic
def start(case: Case, *, by, note: str = "") -> Case:
    case = _begin(case, "start", by)
    at = now()
    case.started_at = case.started_at or at
    _respond(case, at)
    _move(case, Status.IN_PROGRESS, EventKind.STARTED, by, message=note)
    return case


@transaction.atomic
def transfer(case: Case, *, by, organisation: Organisation, reason: str) -> Case:
    """转办: the dispatcher gives the case to another organisation."""
    case = _begin(case, "transfer", by)
    reason = _reason(reason)
    if organisation.pk == case.organisation_id:
        raise InvalidInput.single("organisation", _("The case is already with them."))
    previous = case.organisation_id
    _set_lead(case, organisation)
    case.assignee = None
    case.assigned_at = now()
    ev = _move(
        case,
        Status.ASSIGNED,
        EventKind.TRANSFERRED,
        by,
        message=reason,
        data={"from": previous, "to": organisation.pk},
    )
    _bounce(case, by)
    notices.assigned(case, ev)
    return case


@transaction.atomic
def return_case(case: Case, *, by, reason: str) -> Case:
    """退单: the responsible organisation hands the case back, saying why."""
    case = _begin(case, "return", by)
    reason = _reason(reason)
    previous = case.organisation_id
    CaseParticipant.objects.filter(case=case, organisation_id=previous).update(active=False)
    case.organisation, case.assignee = None, None
    ev = _move(
        case, Status.ACCEPTED, EventKind.RETURNED, by, message=reason, data={"from": previous}
    )
    _bounce(case, by)
    notices.returned(case, ev, reason)
    return case


@transaction.atomic
def resolve(case: Case, *, by, result: str, resolution: str = Resolution.FIXED, photos=()) -> Case:
    case = _begin(case, "resolve", by)
    result = (result or "").strip()
    if len(result) < 4:
        raise InvalidInput.single("result", _("Say what was done."))
    if resolution not in Resolution.values:
        raise InvalidInput.single("resolution", _("Unknown outcome."))
    at = now()
    if case.paused_at is not None:
        sla.resume(case, at)
    _respond(case, at)
    case.resolved_at, case.result, case.resolution = at, result, resolution
    case.resolved_on_time = case.resolve_by is None or at <= case.resolve_by
    ev = _move(
        case,
        Status.RESOLVED,
        EventKind.RESOLVED,
        by,
        message=result,
        data={"resolution": resolution},
    )
    add_photos(case, photos, stage="result", by=by, ev=ev)
    return case


@transaction.atomic
def send_back(case: Case, *, by, reason: str) -> Case:
    """Verification found the work not done: back to the handler."""
    case = _begin(case, "send_back", by)
    reason = _reason(reason)
    case.resolved_at = case.resolved_on_time = None
    ev = _move(case, Status.IN_PROGRESS, EventKind.SENT_BACK, by, message=reason)
    notices.reopened(case, ev, reason)
    return case


@transaction.atomic
def verify(case: Case, *, by, note: str = "") -> Case:
    case = _begin(case, "verify", by)
    case.verified_at = now()
    _move(case, Status.VERIFIED, EventKind.VERIFIED, by, message=note)
    return case


@transaction.atomic
def rate(
    case: Case,
    *,
    by,
    rating: str,
    comment: str = "",
    on_behalf: bool = False,
    verified_phone: str = "",
) -> Case:
    """The resident's verdict (or staff recording it from a follow-up call). Unsatisfied
    reopens the case for redo (重办)."""
    case = locked(case)
    machine.check(case, "rate")
    if on_behalf:
        require_right(by, case, "close")  # staff recording a follow-up call
    elif not (verified_phone and case.reporter_phone and verified_phone == case.reporter_phone):
        require_right(by, case, "rate")
    if rating not in Rating.values:
        raise InvalidInput.single(
            "rating", _("Choose satisfied, basically satisfied or unsatisfied.")
        )
    if case.status == Status.CLOSED and case.rating:
        raise InvalidInput.single("rating", _("This case has been rated already."))
    at = now()
    case.rating, case.rating_comment, case.rated_at = rating, comment[:500], at
    case.first_rating = case.first_rating or rating
    ev = event(
        case, EventKind.RATED, by, message=comment, data={"rating": rating, "on_behalf": on_behalf}
    )
    notices.rated(case, ev)
    if rating == Rating.UNSATISFIED:
        _reopen(case, by, _("The reporter is not satisfied."), at)
    elif case.status != Status.CLOSED:
        case.closed_at = at
        _move(case, Status.CLOSED, EventKind.CLOSED, by)
    else:
        case.save()
    return case


@transaction.atomic
def close(case: Case, *, by, note: str = "") -> Case:
    """Close without a rating (no answer to the follow-up, anonymous report…)."""
    case = _begin(case, "close", by)
    case.closed_at = now()
    _move(case, Status.CLOSED, EventKind.CLOSED, by, message=note)
    return case


def _reopen(case: Case, by, reason: str, at) -> None:
    before = case.status
    case.reopen_count += 1
    case.status = Status.ASSIGNED
    case.resolved_at = case.verified_at = case.closed_at = None
    case.resolved_on_time = None
    case.assigned_at = at  # the unsatisfied rating stays until the redo is rated
    case.save()
    ev = event(
        case,
        EventKind.REOPENED,
        by,
        from_status=before,
        to_status=Status.ASSIGNED,
        message=reason,
        data={"reopen_count": case.reopen_count},
    )
    notices.reopened(case, ev, reason)


@transaction.atomic
def reopen(case: Case, *, by, reason: str) -> Case:
    """Reopened by a dispatcher: the redo will be rated afresh (the earlier rating stays in
    the timeline)."""
    case = _begin(case, "reopen", by)
    case.rating, case.rating_comment, case.rated_at = "", "", None
    _reopen(case, by, _reason(reason), now())
    return case


@transaction.atomic
def reject(case: Case, *, by, reason: str) -> Case:
    case = _begin(case, "reject", by)
    case.closed_at = now()
    _move(case, Status.REJECTED, EventKind.REJECTED, by, message=_reason(reason))
    return case


@transaction.atomic
def mark_duplicate(case: Case, *, by, of: Case, reason: str = "") -> Case:
    case = _begin(case, "duplicate", by)
    if of.pk == case.pk:
        raise InvalidInput.single("of", _("A case cannot duplicate itself."))
    case.duplicate_of, case.closed_at = of, now()
    _move(
        case,
        Status.DUPLICATE,
        EventKind.DUPLICATE,
        by,
        message=reason or _("Same problem as %(code)s.") % {"code": of.code},
        data={"of": of.pk, "of_code": of.code},
    )
    return case


@transaction.atomic
def pause(case: Case, *, by, reason: str) -> Case:
    """Stop the clock while waiting for the reporter (e.g. no one at home to let us in)."""
    case = _begin(case, "pause", by)
    if case.paused_at is not None:
        raise InvalidInput.single("__all__", _("The clock is already paused."))
    sla.pause(case, now())
    case.save()
    event(case, EventKind.PAUSED, by, message=_reason(reason))
    return case


@transaction.atomic
def resume(case: Case, *, by) -> Case:
    case = _begin(case, "resume", by)
    if case.paused_at is None:
        raise InvalidInput.single("__all__", _("The clock is not paused."))
    shift = sla.resume(case, now())
    case.save()
    event(
        case,
        EventKind.RESUMED,
        by,
        data={"deadline_moved_workdays": shift, "resolve_by": case.resolve_by.isoformat()},
    )
    return case


@transaction.atomic
def request_extension(case: Case, *, by, workdays: int, reason: str) -> ExtensionRequest:
    """Ask for more working days — only before the deadline has passed."""
    case = _begin(case, "request_extension", by)
    reason = _reason(reason)
    if not 1 <= int(workdays) <= 30:
        raise InvalidInput.single("workdays", _("Between 1 and 30 working days."))
    if case.resolve_by and now() > case.resolve_by:
        raise InvalidInput.single(
            "__all__", _("The deadline has passed: more time must be asked for before it.")
        )
    if case.extensions.filter(state=ExtensionRequest.State.PENDING).exists():
        raise InvalidInput.single("__all__", _("A request for more time is already waiting."))
    request = ExtensionRequest.objects.create(
        case=case, workdays=workdays, reason=reason, requested_by=by
    )
    event(
        case,
        EventKind.EXTENSION_REQUESTED,
        by,
        message=reason,
        data={"workdays": workdays, "request": request.pk},
    )
    notices.send(
        case,
        "case.extension_requested",
        notices.community_secretaries(case.community),
        key=f"extension:{request.pk}",
        workdays=workdays,
        reason=reason,
    )
    return request


@transaction.atomic
def decide_extension(case: Case, *, by, approve: bool, note: str = "") -> Case:
    case = _begin(case, "decide_extension", by)
    request = case.extensions.filter(state=ExtensionRequest.State.PENDING).first()
    if request is None:
        raise InvalidInput.single("__all__", _("No request for more time is waiting."))
    request.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
    request.decided_by, request.decided_at, request.decision_note = by, now(), note[:300]
    request.save()
    if approve:
        sla.extend(case, request.workdays)
        case.is_overdue = False
        case.save()
    event(
        case,
        EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED,
        by,
        message=note,
        data={
            "workdays": request.workdays,
            "resolve_by": case.resolve_by.isoformat() if case.resolve_by else None,
        },
    )
    return case


@transaction.atomic
def comment(case: Case, *, by, text: str, public: bool = False):
    case = locked(case)
    from community_brain.cases.services.common import can_dispatch

    if not (is_handler(by, case) or can_dispatch(by, case)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise InvalidInput.single("text", _("Write something."))
    return event(
        case,
        EventKind.COMMENTED,
        by,
        message=text if public else "",
        note="" if public else text,
        public=public,
    )


@transaction.atomic
def add_info(case: Case, *, by=None, text: str, photos=(), verified_phone: str = ""):
    """The reporter adds information (from the tracking page or the API)."""
    case = locked(case)
    is_reporter = (by is not None and case.reporter_user_id == getattr(by, "pk", None)) or (
        verified_phone and verified_phone == case.reporter_phone
    )
    if not is_reporter:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if case.status in {Status.REJECTED, Status.DUPLICATE}:
        raise InvalidInput.single("__all__", _("This case is closed."))
    text = (text or "").strip()
    if not text and not photos:
        raise InvalidInput.single("text", _("Write something or add a photo."))
    ev = event(case, EventKind.INFO_ADDED, by, message=text)
    add_photos(case, photos, stage="report", by=by, ev=ev)
    people = [case.assignee] if case.assignee_id else notices.handlers_of(case.organisation)
    notices.send(case, "case.info_added", people, key=f"info:{ev.pk}")
    return ev
