"""The quality deposit and the end of the period: repairs done by others at the contractor's
cost (deducted from the deposit), extensions after a main part was repaired, and the
termination certificate (缺陷责任期终止证书) — refused while any defect of the section is open.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from community_brain.core import audit, clock
from community_brain.core.errors import InvalidInput
from community_brain.inspections import permissions
from community_brain.inspections.choices import ClosedBy, FindingStatus
from community_brain.inspections.models import (
    MAX_EXTENSION_MONTHS,
    Certificate,
    Deduction,
    Finding,
    Section,
)
from community_brain.inspections.notices import settle_if_done
from community_brain.inspections.numbering import next_number


def _amount(raw) -> Decimal:
    try:
        amount = Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput.single("amount", _("Give the amount in yuan, e.g. 3200.00.")) from None
    if amount <= 0:
        raise InvalidInput.single("amount", _("The amount must be more than zero."))
    return amount


def deducted(section: Section) -> Decimal:
    return section.deductions.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


@transaction.atomic
def repaired_by_others(finding: Finding, *, by, amount, repaired_by: str, reason: str) -> Deduction:
    """The contractor let an overdue defect be: the owner had it repaired by others and
    deducts the cost from the section's deposit. The defect is closed off."""
    from community_brain.cases.services import workflow

    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("section__project", "case", "notice")
        .get(pk=finding.pk)
    )
    section = finding.section
    permissions.require(permissions.is_owner(by, section.project), "record deposit deductions")
    if finding.status == FindingStatus.CLOSED:
        raise InvalidInput.single("finding", _("This defect is closed off already."))
    if finding.deadline >= clock.today():
        raise InvalidInput.single(
            "finding",
            _("The contractor has until %(day)s: only an overdue defect may be repaired by others.")
            % {"day": finding.deadline.isoformat()},
        )
    amount = _amount(amount)
    repaired_by, reason = (repaired_by or "").strip(), (reason or "").strip()
    if len(repaired_by) < 2:
        raise InvalidInput.single("repaired_by", _("Say who did the repair."))
    if len(reason) < 2:
        raise InvalidInput.single("reason", _("Give a reason."))
    left = section.deposit - deducted(section)
    if amount > left:
        raise InvalidInput.single(
            "amount",
            _("Only %(left)s yuan of the deposit is left.") % {"left": f"{left:,.2f}"},
        )
    deduction = Deduction.objects.create(
        section=section,
        finding=finding,
        amount=amount,
        repaired_by=repaired_by[:100],
        reason=reason[:300],
        recorded_by=by,
    )
    now = clock.now()
    finding.status, finding.closed_by, finding.closed_at = (
        FindingStatus.CLOSED,
        ClosedBy.OTHERS,
        now,
    )
    finding.completed_on, finding.rechecked_by = clock.today(), by
    finding.measures = _("Repaired by %(who)s; %(amount)s yuan deducted from the deposit.") % {
        "who": repaired_by,
        "amount": f"{amount:,.2f}",
    }
    finding.save()
    case = finding.case
    if case.status in {"assigned", "in_progress"}:
        case = workflow.resolve(case, by=by, result=finding.measures)
    if case.status == "resolved":
        case = workflow.verify(case, by=by, note=reason)
    if case.status == "verified":
        workflow.close(case, by=by, note=_("Closed off (销号)."))
    if finding.notice is not None:
        settle_if_done(finding.notice, by=by, text=finding.measures)
    audit.record(
        "inspection.deposit_deducted",
        deduction,
        actor=by,
        summary=f"{finding.number} {amount}",
        data={"section": section.pk, "amount": str(amount), "finding": finding.number},
    )
    return deduction


@transaction.atomic
def extend_period(section: Section, *, by, months: int, reason: str) -> Section:
    """A main part was repaired: its period runs longer, two years more at most."""
    section = Section.objects.select_for_update().select_related("project").get(pk=section.pk)
    permissions.require(permissions.is_owner(by, section.project), "extend the period")
    if hasattr(section, "certificate"):
        raise InvalidInput.single("months", _("The period has ended with a certificate."))
    if not isinstance(months, int) or months < 1:
        raise InvalidInput.single("months", _("Give a whole number of months."))
    if section.extension_months + months > MAX_EXTENSION_MONTHS:
        raise InvalidInput.single(
            "months",
            _("The period may be extended by %(cap)s months in all; %(used)s are used.")
            % {"cap": MAX_EXTENSION_MONTHS, "used": section.extension_months},
        )
    if len((reason or "").strip()) < 2:
        raise InvalidInput.single("reason", _("Give a reason."))
    section.extension_months += months
    section.save(update_fields=["extension_months", "updated_at"])
    audit.record(
        "inspection.period_extended",
        section,
        actor=by,
        summary=f"+{months} months: {reason}"[:300],
        data={"months": months, "ends": section.period_ends.isoformat()},
    )
    return section


def open_defects(section: Section) -> list[str]:
    return list(
        section.findings.exclude(status=FindingStatus.CLOSED)
        .order_by("number")
        .values_list("number", flat=True)
    )


@transaction.atomic
def issue_certificate(section: Section, *, by, issued_on: date | None = None) -> Certificate:
    """The termination certificate, once the period is over and nothing is left open; the
    deposit to release is what remains after deductions."""
    section = Section.objects.select_for_update().select_related("project").get(pk=section.pk)
    project = section.project
    permissions.require(permissions.is_inspector(by, project), "issue the certificate")
    if Certificate.objects.filter(section=section).exists():
        raise InvalidInput.single("section", _("This section has its certificate already."))
    issued_on = issued_on or clock.today()
    if issued_on < section.period_ends:
        raise InvalidInput.single(
            "issued_on",
            _("The defect liability period of %(section)s runs until %(day)s.")
            % {"section": section.name, "day": section.period_ends.isoformat()},
        )
    still_open = open_defects(section)
    if still_open:
        shown = ", ".join(still_open[:10]) + ("…" if len(still_open) > 10 else "")
        raise InvalidInput.single(
            "section",
            _("%(n)s defects of %(section)s are still open (%(numbers)s): close them off first.")
            % {"n": len(still_open), "section": section.name, "numbers": shown},
        )
    taken = deducted(section)
    deposit = section.deposit
    issuer = (
        project.supervision
        if project.supervision_id in permissions.organisation_ids(by)
        else project.owner
    )
    certificate = Certificate.objects.create(
        section=section,
        number=next_number(project, "certificate", issued_on.year),
        issued_on=issued_on,
        issued_by=by,
        issuer=issuer,
        period_ended=section.period_ends,
        deposit=deposit,
        deducted=taken,
        released=max(deposit - taken, Decimal("0.00")),
        findings_total=section.findings.count(),
    )
    audit.record(
        "inspection.certificate_issued",
        certificate,
        actor=by,
        summary=f"{certificate.number} {section}",
        data={"released": str(certificate.released), "deducted": str(taken)},
    )
    return certificate
