"""Cards, PINs and QR passes: equally convenient alternatives that need no consent; a
resident without a face template is never refused with another credential; visitors get
time-limited passes; the guard opens by hand with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from community_brain.access.choices import Decision
from community_brain.access.models import Credential, FaceTemplate
from community_brain.access.services import credentials, gates
from community_brain.core.errors import InvalidInput


def test_a_resident_without_face_template_gets_in_with_card_pin_or_qr(world, site):
    staff, resident, gate = world.users["staff"], world.residents["a1-spouse"], site["gate"]
    assert not FaceTemplate.objects.filter(resident=resident).exists()
    credentials.issue_card(resident, "a1b2c3d4", by=staff)
    credentials.set_pin(resident, "135790", by=staff)
    _qr, raw = credentials.issue_qr(resident, by=staff, hours=24)

    for kind, secret in (("card", "A1B2C3D4"), ("pin", "135790"), ("qr", raw)):
        event = gates.present(gate, kind, secret, device=site["reader"])
        assert event.decision == Decision.GRANTED, kind
        assert event.resident == resident
    card = Credential.objects.get(kind="card")
    assert "A1B2C3D4" not in card.secret_index and card.hint == "C3D4"
    assert gates.present(gate, "card", "FFFF0000").decision == Decision.DENIED
    with pytest.raises(InvalidInput) as exc:
        credentials.issue_card(world.residents["a1-head"], "A1B2C3D4", by=staff)
    assert "number" in exc.value.field_errors


def test_passes_expire_and_revoked_credentials_stop_working(world, site):
    staff, resident, gate = world.users["staff"], world.residents["a1-head"], site["gate"]
    _qr, raw = credentials.issue_qr(resident, by=staff, hours=2)
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        event = gates.present(gate, "qr", raw)
    assert event.decision == Decision.DENIED and event.reason == "expired"
    card = credentials.issue_card(resident, "1234ABCD", by=staff)
    credentials.revoke(card, by=staff, reason="lost")
    assert gates.present(gate, "card", "1234abcd").decision == Decision.DENIED


def test_the_guard_registers_a_visitor_and_opens_by_hand(world, site):
    guard, gate = world.users["property"], site["gate"]
    visitor, credential, raw = credentials.register_visitor(
        gate.compound,
        by=guard,
        data={
            "name": "赵访客",
            "phone": "13953300077",
            "host": world.households["a1"].pk,
            "hours": 4,
        },
    )
    assert credential.valid_until <= timezone.now() + timedelta(hours=4, seconds=5)
    event = gates.present(gate, "qr", raw)
    assert event.decision == Decision.GRANTED and event.visitor == visitor
    with pytest.raises(InvalidInput) as exc:
        credentials.register_visitor(gate.compound, by=guard, data={"name": "", "phone": "12"})
    assert {"name", "phone"} <= set(exc.value.field_errors)
    with pytest.raises(InvalidInput):
        gates.open_by_hand(gate, by=guard, reason="")
    opened = gates.open_by_hand(gate, by=guard, reason="快递员送件", direction="in")
    assert opened.kind == "manual" and opened.opened_by == guard
    for outsider in ("grid", "officer", "resident"):
        with pytest.raises(PermissionDenied):
            gates.open_by_hand(gate, by=world.users[outsider], reason="想进")


def test_only_staff_manage_gates_and_credentials(world, site):
    with pytest.raises(PermissionDenied):
        credentials.issue_card(world.residents["a1-head"], "ABCD1234", by=world.users["property"])
    with pytest.raises(PermissionDenied):
        gates.create_gate(
            world.compounds["a"], by=world.users["property"], data={"code": "x", "name": "x"}
        )
