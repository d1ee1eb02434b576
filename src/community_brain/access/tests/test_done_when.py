"""The issue's "done when", on real photographs through the services: a resident enrolled
from two photos is recognised from a third at a gate; another person is unknown; without
consent enrolment is refused; after withdrawal matching fails and the template is gone."""

from __future__ import annotations

import pytest

from community_brain.access.choices import Decision
from community_brain.access.models import AccessEvent, FaceTemplate
from community_brain.access.services import consent as consents
from community_brain.access.services import gates, templates
from community_brain.core.errors import InvalidInput
from community_brain.core.models import AuditLog

from .conftest import gate_frame, give


def test_enrolled_resident_is_recognised_and_another_person_is_unknown(world, site, photos):
    staff, resident = world.users["staff"], world.residents["a1-head"]
    give(resident, world.users["resident"])
    row = templates.enrol_resident(resident, photos, by=staff)
    assert row.photos == 2 and "CBFE" not in row.sealed  # sealed, not the raw bytes

    event = gates.recognise(site["gate"], gate_frame("obama3.jpg"), device=site["camera"])
    assert event.decision == Decision.GRANTED
    assert event.resident == resident
    assert event.similarity > 0.6
    assert not event.snapshot  # a resident's passage keeps no picture

    other = gates.recognise(site["gate"], gate_frame("biden.jpg"), device=site["camera"])
    assert other.decision == Decision.UNKNOWN and other.resident is None
    assert other.similarity < 0.5
    assert other.snapshot and other.embedding_sealed
    assert AuditLog.objects.filter(action="access.face_matched", object_id=str(event.pk)).exists()
    assert AuditLog.objects.filter(action="access.face_unknown", object_id=str(other.pk)).exists()
    assert AuditLog.objects.filter(action="access.template_read").count() == 1  # index built once


def test_without_consent_enrolment_is_refused(world, site, photos):
    with pytest.raises(InvalidInput) as exc:
        templates.enrol_resident(world.residents["a1-head"], photos, by=world.users["staff"])
    assert "consent" in exc.value.field_errors
    assert not FaceTemplate.objects.exists()


def test_after_withdrawal_matching_fails_and_the_template_is_gone(world, site, photos):
    staff, resident = world.users["staff"], world.residents["a1-head"]
    give(resident, staff)
    templates.enrol_resident(resident, photos, by=staff)
    frame = gate_frame("obama3.jpg")
    assert gates.recognise(site["gate"], frame).resident == resident

    consents.withdraw_consent(resident, by=world.users["resident"], reason="不再使用")
    assert not FaceTemplate.objects.filter(resident=resident).exists()
    event = gates.recognise(site["gate"], frame)
    assert event.decision == Decision.UNKNOWN and event.resident is None
    assert AuditLog.objects.filter(action="access.template_deleted").count() == 1
    assert AccessEvent.objects.filter(resident=resident).count() == 1  # the earlier passage
