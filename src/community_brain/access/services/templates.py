"""Face templates (人脸模板): enrolment from 2+ photos, refused without live consent, sealed
at rest; deletion at once on withdrawal (or on request), with a new template-set version so
that every index and gate cache drops the template."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from community_brain.access import matcher, permissions
from community_brain.access.models import FaceTemplate
from community_brain.access.recognition import EnrolmentRefused, FaceError, enrol
from community_brain.access.recognition.at_rest import seal
from community_brain.access.services import consent as consents
from community_brain.access.services import privacy
from community_brain.accounts.permissions import CHANGE
from community_brain.core import audit, clock
from community_brain.core.errors import InvalidInput

MIN_PHOTOS = 2
MAX_PHOTOS = 5


def _require_consent(resident):
    consent = consents.live_consent(resident)
    if consent is None:
        raise InvalidInput.single(
            "consent",
            _(
                "Enrolment refused: there is no live separate consent to face recognition for "
                "this resident. Record the consent first; card, PIN and QR work without it."
            ),
        )
    return consent


def enrol_resident(resident, photos: Sequence[bytes], *, by) -> FaceTemplate:
    """Make (or replace) the resident's template from 2–5 photos of her alone."""
    compound = permissions.compound_of(resident)
    if compound is None:
        raise InvalidInput.single("resident", _("The resident has no household in a compound."))
    permissions.require(by, CHANGE, compound)
    _require_consent(resident)
    if not MIN_PHOTOS <= len(photos) <= MAX_PHOTOS:
        raise InvalidInput.single(
            "photos", _("Give 2 to 5 photos of the resident's face, alone in each.")
        )
    try:  # the slow part (≈ 1 s), outside the transaction
        template = enrol(matcher.engine(), list(photos), min_photos=MIN_PHOTOS)
    except EnrolmentRefused as exc:
        raise InvalidInput({"photos": [str(p) for p in exc.problems] or [str(exc)]}) from exc
    except FaceError as exc:
        raise InvalidInput.single("photos", str(exc)) from exc
    quality = sum(f.quality.sharpness for f in template.faces) / max(1, len(template.faces))
    return _store(resident, compound, template, quality, by)


@transaction.atomic
def _store(resident, compound, template, quality: float, by) -> FaceTemplate:
    consent = _require_consent(resident)  # again, under the transaction: not withdrawn since
    consent = type(consent).objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        _require_consent(resident)
    previous = FaceTemplate.objects.filter(resident=resident).first()
    version = previous.version + 1 if previous else 1
    FaceTemplate.objects.filter(resident=resident).delete()
    row = FaceTemplate.objects.create(
        resident=resident,
        compound=compound,
        consent=consent,
        sealed=seal(template.to_bytes()),
        photos=len(template.embeddings),
        quality=round(quality, 1),
        version=version,
        created_at=clock.now(),
    )
    set_version = privacy.bump_template_version(compound.pk)
    audit.record(
        "access.enrolled",
        row,
        actor=by,
        summary=f"{resident.masked_name} v{version}",
        data={
            "resident": resident.pk,
            "photos": row.photos,
            "set_version": set_version,
            "compound": compound.pk,
        },
    )
    transaction.on_commit(lambda: matcher.forget(compound.pk))
    return row


@transaction.atomic
def delete_template(resident, *, by, why: str) -> int:
    """Delete the resident's template now; the number of rows deleted (0 or 1)."""
    permissions.require_act_for(by, resident)
    rows = list(FaceTemplate.objects.select_for_update().filter(resident=resident))
    for row in rows:
        audit.record(
            "access.template_deleted",
            row,
            actor=by,
            summary=f"{resident.masked_name}: {why}",
            data={"resident": resident.pk, "why": why, "compound": row.compound_id},
        )
        compound_id = row.compound_id
        row.delete()
        privacy.bump_template_version(compound_id)
        transaction.on_commit(lambda c=compound_id: matcher.forget(c))
    return len(rows)
