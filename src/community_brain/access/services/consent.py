"""The consent ledger (同意记录): separate consent to face recognition, given by the resident
(or a guardian for a child under 14) after reading the notice, and withdrawn as easily —
withdrawal deletes the face template at once, everywhere (PIPL Arts. 15, 29, 31; the
Measures Arts. 6–7)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.access import permissions
from community_brain.access.choices import Purpose
from community_brain.access.models import Consent
from community_brain.access.services import privacy
from community_brain.core import audit, clock
from community_brain.core.errors import InvalidInput
from community_brain.core.identifiers import id_birth_date

CHILD_UNDER = 14
ADULT_FROM = 18


def birth_date_of(resident) -> date | None:
    """The birth date on record, or the one in the (decrypted) ID number."""
    if resident.birth_date:
        return resident.birth_date
    number = resident.id_number or ""
    if len(number) == 18:
        try:
            return id_birth_date(number)
        except ValueError:
            return None
    return None


def age_of(resident, on: date | None = None) -> int | None:
    born = birth_date_of(resident)
    if born is None:
        return None
    on = on or timezone.localdate()
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def live_consent(resident, purpose: str = Purpose.FACE_ACCESS) -> Consent | None:
    return Consent.objects.filter(
        resident=resident, purpose=purpose, withdrawn_at__isnull=True
    ).first()


def _check_giver(resident, given_by) -> bool:
    """Whether the consent is a guardian's; InvalidInput when the giver may not give it."""
    age = age_of(resident)
    if age is None:
        raise InvalidInput.single(
            "resident", _("The resident's birth date is unknown: record it before consent.")
        )
    if age >= CHILD_UNDER:
        if given_by.pk != resident.pk:
            raise InvalidInput.single(
                "given_by", _("A resident aged 14 or over gives consent herself.")
            )
        return False
    if given_by.pk == resident.pk:
        raise InvalidInput.single("given_by", _("A child under 14 needs a guardian's consent."))
    guardian_age = age_of(given_by)
    if guardian_age is None or guardian_age < ADULT_FROM:
        raise InvalidInput.single("given_by", _("The guardian must be an adult."))
    if given_by.household_id != resident.household_id:
        raise InvalidInput.single("given_by", _("The guardian must live in the child's household."))
    return True


@transaction.atomic
def give_consent(
    resident,
    *,
    by,
    notice_version: int,
    notice_hash: str,
    given_by=None,
    purpose: str = Purpose.FACE_ACCESS,
) -> Consent:
    """Record separate consent to ``purpose`` under the notice the person read (its version
    and fingerprint must be the current notice's, so what was shown is what is recorded)."""
    permissions.require_act_for(by, resident)
    if purpose not in Purpose.values:
        raise InvalidInput.single("purpose", _("Unknown purpose."))
    compound = permissions.compound_of(resident)
    if compound is None:
        raise InvalidInput.single("resident", _("The resident has no household in a compound."))
    given_by = given_by or resident
    guardian = _check_giver(resident, given_by)
    ps = privacy.settings_for(compound)
    text = privacy.notice_text(ps)
    if int(notice_version or 0) != ps.notice_version or notice_hash != privacy.notice_hash(text):
        raise InvalidInput.single(
            "notice_version", _("The notice has changed since it was shown: read it again.")
        )
    if (
        Consent.objects.select_for_update()
        .filter(resident=resident, purpose=purpose, withdrawn_at__isnull=True)
        .exists()
    ):
        raise InvalidInput.single("purpose", _("Consent to this is already given."))
    consent = Consent.objects.create(
        resident=resident,
        purpose=purpose,
        notice_version=ps.notice_version,
        notice_hash=notice_hash,
        notice_text=text,
        given_at=clock.now(),
        given_by=given_by,
        guardian=guardian,
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit.record(
        "access.consent_given",
        consent,
        actor=by,
        summary=f"{resident.masked_name} {purpose} v{ps.notice_version}",
        data={"resident": resident.pk, "guardian": guardian, "given_by": given_by.pk},
    )
    return consent


@transaction.atomic
def withdraw_consent(
    resident, *, by, reason: str = "", purpose: str = Purpose.FACE_ACCESS
) -> Consent:
    """Withdraw the live consent; the face template made under it is deleted in the same
    transaction and the compound's template set gets a new version, so the server's index
    and every gate's cache drop it."""
    from community_brain.access.services import templates

    permissions.require_act_for(by, resident)
    consent = (
        Consent.objects.select_for_update()
        .filter(resident=resident, purpose=purpose, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        raise InvalidInput.single("purpose", _("There is no consent to withdraw."))
    consent.withdrawn_at = clock.now()
    consent.withdrawn_by = by if getattr(by, "is_authenticated", False) else None
    consent.withdrawal_reason = (reason or "").strip()[:200]
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit.record(
        "access.consent_withdrawn",
        consent,
        actor=by,
        summary=f"{resident.masked_name} {purpose}",
        data={"resident": resident.pk},
    )
    templates.delete_template(resident, by=by, why="consent withdrawn")
    return consent
