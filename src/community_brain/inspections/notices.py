"""Rectification notices (整改通知单) and their way to being closed off (销号).

draft → issued (the owner or the supervision office signs it; numbered then) →
acknowledged (the contractor confirms receipt; work starts) → replied (整改回复单: measures
and photos per defect) → closed (the inspector re-checks every defect and passes it) — or,
when a defect fails the re-check, back to acknowledged with that defect sent back.

Each move carries its defects' cases along: start, resolve, send back, verify and close in
the case ledger, so the ledger's figures and timelines tell the same story.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from community_brain.core import audit, clock
from community_brain.core.errors import IllegalTransition, InvalidInput
from community_brain.inspections import permissions
from community_brain.inspections.choices import ClosedBy, FindingStatus, NoticeStatus
from community_brain.inspections.models import Finding, Notice, NoticeEvent
from community_brain.inspections.numbering import next_number
from community_brain.inspections.rounds import end_of

N = NoticeStatus
TRANSITIONS = {
    "issue": ({N.DRAFT}, N.ISSUED),
    "acknowledge": ({N.ISSUED}, N.ACKNOWLEDGED),
    "reply": ({N.ACKNOWLEDGED}, N.REPLIED),
    "recheck": ({N.REPLIED}, None),  # closed, or back to acknowledged
    "discard": ({N.DRAFT}, None),
}


def _begin(notice: Notice, action: str) -> Notice:
    notice = (
        Notice.objects.select_for_update().select_related("project", "section").get(pk=notice.pk)
    )
    allowed, _to = TRANSITIONS[action]
    if notice.status not in allowed:
        raise IllegalTransition("notice", notice.status, action)
    return notice


def _log(notice: Notice, kind: str, by, text: str = "") -> None:
    NoticeEvent.objects.create(notice=notice, kind=kind, at=clock.now(), by=by, text=text)
    audit.record(f"inspection.notice_{kind}", notice, actor=by, summary=f"{notice} {text}"[:300])


def _findings(notice: Notice):
    return list(notice.findings.select_related("case").order_by("number"))


@transaction.atomic
def draft_notice(
    *, by, findings: Sequence[Finding], requirements: str, deadline: date, issuer=None
) -> Notice:
    """Group open defects of one section into a draft notice."""
    findings = list(
        Finding.objects.select_for_update()
        .select_related("section__project")
        .filter(pk__in=[f.pk for f in findings])
    )
    if not findings:
        raise InvalidInput.single("findings", _("Choose the defects the notice is about."))
    section = findings[0].section
    project = section.project
    permissions.require(permissions.is_inspector(by, project), "issue notices of this project")
    if any(f.section_id != section.pk for f in findings):
        raise InvalidInput.single(
            "findings", _("A notice goes to one contract section: choose defects of one section.")
        )
    taken = [f.number for f in findings if f.status != FindingStatus.OPEN or f.notice_id]
    if taken:
        raise InvalidInput.single(
            "findings",
            _("Already on a notice or closed: %(numbers)s.") % {"numbers": ", ".join(taken)},
        )
    requirements = (requirements or "").strip()
    if len(requirements) < 2:
        raise InvalidInput.single("requirements", _("Say what must be done."))
    if deadline is None or deadline < clock.today():
        raise InvalidInput.single("deadline", _("Give a deadline that is not in the past."))
    issuer = issuer or project.supervision
    if issuer.pk not in {project.owner_id, project.supervision_id}:
        raise InvalidInput.single(
            "issuer", _("A notice is issued by the owner or the supervision office.")
        )
    notice = Notice.objects.create(
        project=project,
        section=section,
        number=f"draft-{uuid.uuid4().hex[:20]}",
        issuer=issuer,
        requirements=requirements[:2000],
        deadline=deadline,
        drafted_by=by,
    )
    Finding.objects.filter(pk__in=[f.pk for f in findings]).update(notice=notice)
    _log(notice, "drafted", by)
    return notice


@transaction.atomic
def issue(notice: Notice, *, by) -> Notice:
    """Sign and send: numbered, the defects' deadlines become the notice's, the
    contractor's people are told."""
    from community_brain.cases.choices import EventKind
    from community_brain.cases.services.common import event, locked

    notice = _begin(notice, "issue")
    permissions.require(permissions.is_inspector(by, notice.project), "issue notices")
    now = clock.now()
    notice.number = next_number(notice.project, "notice", clock.today().year)
    notice.status, notice.issued_at, notice.signed_by = N.ISSUED, now, by
    notice.save()
    for finding in _findings(notice):
        finding.status, finding.deadline = FindingStatus.NOTIFIED, notice.deadline
        finding.save(update_fields=["status", "deadline", "updated_at"])
        case = locked(finding.case)
        case.resolve_by = end_of(notice.deadline)
        case.save(update_fields=["resolve_by", "updated_at"])
        event(
            case,
            EventKind.COMMENTED,
            by,
            message=_("Rectification notice %(number)s issued; rectify by %(deadline)s.")
            % {"number": notice.number, "deadline": notice.deadline.isoformat()},
        )
    _log(notice, "issued", by)
    _tell_contractor(notice)
    return notice


def _tell_contractor(notice: Notice) -> None:
    from community_brain.accounts.models import User
    from community_brain.cases import notices as case_notices
    from community_brain.notify.services import notify

    if case_notices.is_muted():  # seeding history
        return
    people = User.objects.filter(
        memberships__organisation=notice.section.contractor, memberships__is_active=True
    ).distinct()
    notify(
        recipients=people,
        template="inspection.notice_issued",
        payload={
            "number": notice.number,
            "project": notice.project.name,
            "section": notice.section.name,
            "deadline": notice.deadline.isoformat(),
            "count": notice.findings.count(),
        },
        idempotency_key=f"inspection-notice:{notice.pk}:issued",
        related=notice,
        organisation=notice.section.contractor,
    )


@transaction.atomic
def discard(notice: Notice, *, by) -> None:
    notice = _begin(notice, "discard")
    permissions.require(permissions.is_inspector(by, notice.project), "discard notices")
    notice.findings.update(notice=None)
    audit.record("inspection.notice_discarded", notice, actor=by, summary=notice.number)
    notice.events.all().delete()
    notice.delete()


@transaction.atomic
def acknowledge(notice: Notice, *, by) -> Notice:
    """The contractor confirms receipt (签收): work on its defects starts."""
    from community_brain.cases.services import workflow

    notice = _begin(notice, "acknowledge")
    permissions.require(permissions.is_contractor(by, notice.section), "acknowledge this notice")
    notice.status, notice.acknowledged_at, notice.acknowledged_by = (
        N.ACKNOWLEDGED,
        clock.now(),
        by,
    )
    notice.save()
    for finding in _findings(notice):
        finding.status = FindingStatus.RECTIFYING
        finding.save(update_fields=["status", "updated_at"])
        if finding.case.status == "assigned":
            workflow.start(finding.case, by=by, note=_("Notice %s acknowledged.") % notice.number)
    _log(notice, "acknowledged", by)
    return notice


@transaction.atomic
def reply(
    notice: Notice,
    *,
    by,
    text: str,
    measures: Mapping[int, str] | None = None,
    photos: Mapping[int, Sequence] | None = None,
    completed_on: date | None = None,
) -> Notice:
    """整改回复单: what was done, per defect (measures, photos), and when."""
    from community_brain.cases.services import workflow

    notice = _begin(notice, "reply")
    permissions.require(permissions.is_contractor(by, notice.section), "reply to this notice")
    text = (text or "").strip()
    if len(text) < 2:
        raise InvalidInput.single("text", _("Say what was done."))
    completed_on = completed_on or clock.today()
    if completed_on > clock.today():
        raise InvalidInput.single("completed_on", _("The work cannot be finished in the future."))
    measures, photos = measures or {}, photos or {}
    pending = [f for f in _findings(notice) if f.status == FindingStatus.RECTIFYING]
    for finding in pending:
        said = (measures.get(finding.pk) or "").strip() or text
        finding.status, finding.measures, finding.completed_on = (
            FindingStatus.REPLIED,
            said[:2000],
            completed_on,
        )
        finding.save(update_fields=["status", "measures", "completed_on", "updated_at"])
        workflow.resolve(
            finding.case,
            by=by,
            result=_("Reply to notice %(number)s: %(text)s")
            % {"number": notice.number, "text": said},
            photos=photos.get(finding.pk, ()),
        )
    notice.status, notice.reply, notice.replied_at, notice.replied_by = (
        N.REPLIED,
        text[:4000],
        clock.now(),
        by,
    )
    notice.save()
    _log(notice, "replied", by, text[:200])
    return notice


@transaction.atomic
def recheck(notice: Notice, *, by, passed: Mapping[int, bool], opinion: str) -> Notice:
    """The inspector's re-check (复查): each replied defect passes (closed off) or goes back.
    The notice is closed off when all its defects are."""
    from community_brain.cases.services import workflow

    notice = _begin(notice, "recheck")
    permissions.require(permissions.is_inspector(by, notice.project), "re-check this notice")
    opinion = (opinion or "").strip()
    replied = [f for f in _findings(notice) if f.status == FindingStatus.REPLIED]
    missing = [f.number for f in replied if f.pk not in passed]
    if missing:
        raise InvalidInput.single(
            "passed", _("Give a verdict on every defect: %(numbers)s.") % {"numbers": missing}
        )
    failed = [f for f in replied if not passed[f.pk]]
    if failed and len(opinion) < 2:
        raise InvalidInput.single("opinion", _("Say what is still wrong."))
    now = clock.now()
    for finding in replied:
        finding.rechecked_by, finding.recheck_opinion = by, opinion[:300]
        if passed[finding.pk]:
            finding.status, finding.closed_at = FindingStatus.CLOSED, now
            finding.closed_by = ClosedBy.CONTRACTOR
            workflow.verify(finding.case, by=by, note=opinion)
            workflow.close(finding.case, by=by, note=_("Closed off (销号)."))
        else:
            finding.status, finding.completed_on = FindingStatus.RECTIFYING, None
            workflow.send_back(finding.case, by=by, reason=opinion)
        finding.save()
    if failed:
        notice.status = N.ACKNOWLEDGED
        notice.rounds_sent_back += 1
        _log(notice, "sent_back", by, opinion)
    else:
        settle_if_done(notice, by=by, text=opinion)
    notice.save()
    return notice


def settle_if_done(notice: Notice, *, by, text: str = "") -> None:
    """Close the notice off when none of its defects is open any more."""
    if notice.status == N.CLOSED:
        return
    if notice.findings.exclude(status=FindingStatus.CLOSED).exists():
        return
    notice.status, notice.closed_at = N.CLOSED, clock.now()
    notice.save()
    _log(notice, "closed", by, text)
