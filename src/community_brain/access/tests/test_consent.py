"""The consent ledger: separate consent under the notice as shown, a guardian's for a child
under 14, one live consent per purpose, withdrawal by the resident herself; the permission
matrix of who may act for whom."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from community_brain.access.models import Consent
from community_brain.access.services import consent as consents
from community_brain.access.services import privacy
from community_brain.core.errors import InvalidInput
from community_brain.core.models import AuditLog
from community_brain.places import services as place_services
from community_brain.testing import make_id_number

from .conftest import give


def child_of(world, household_key="a1"):
    return place_services.register_resident(
        by=world.users["staff"],
        household=world.households[household_key],
        data={
            "name": "王小宝",
            "gender": "M",
            "relation": "child",
            "id_number": make_id_number(f"{date.today().year - 8}0301", 991),
            "residence_type": "registered",
        },
    )


def test_consent_is_recorded_with_the_notice_shown(world):
    resident = world.residents["a1-head"]
    consent = give(resident, world.users["resident"])
    ps = privacy.settings_for(world.compounds["a"])
    assert consent.notice_text == privacy.notice_text(ps)
    assert "IC" in consent.notice_text  # the alternatives are named
    assert consent.given_by == resident and not consent.guardian
    assert AuditLog.objects.filter(action="access.consent_given").count() == 1
    with pytest.raises(InvalidInput) as exc:
        give(resident, world.users["resident"])
    assert "purpose" in exc.value.field_errors


def test_a_changed_notice_must_be_read_again(world):
    resident = world.residents["a1-head"]
    ps = privacy.settings_for(world.compounds["a"])
    shown = privacy.notice_hash(privacy.notice_text(ps))
    privacy.update_settings(
        world.compounds["a"],
        by=world.users["staff"],
        data={**_settings_data(ps), "snapshot_retention_days": 3},
    )
    with pytest.raises(InvalidInput) as exc:
        consents.give_consent(
            resident, by=world.users["staff"], notice_version=1, notice_hash=shown
        )
    assert "notice_version" in exc.value.field_errors


def _settings_data(ps):
    return {
        "processor": "",
        "notice_text": "",
        "snapshot_retention_days": ps.snapshot_retention_days,
        "event_retention_days": ps.event_retention_days,
        "threshold": ps.threshold,
        "stranger_distance": ps.stranger_distance,
        "stranger_sightings": ps.stranger_sightings,
        "night_from": "23:00",
        "night_until": "05:00",
    }


def test_a_child_under_14_needs_an_adult_guardian_of_the_household(world):
    child = child_of(world)
    with pytest.raises(InvalidInput) as exc:
        give(child, world.users["resident"])
    assert "given_by" in exc.value.field_errors
    with pytest.raises(InvalidInput):
        give(child, world.users["staff"], given_by=world.residents["b1-head"])  # not her home
    consent = give(child, world.users["resident"], given_by=world.residents["a1-head"])
    assert consent.guardian and consent.given_by == world.residents["a1-head"]
    with pytest.raises(InvalidInput):  # an adult consents herself
        give(
            world.residents["a1-spouse"], world.users["staff"], given_by=world.residents["a1-head"]
        )


@pytest.mark.parametrize(
    ("user", "resident", "allowed"),
    [
        ("resident", "a1-head", True),  # her own household
        ("resident", "b1-head", False),
        ("staff", "b1-head", True),  # community staff of the compound
        ("property", "a1-head", False),  # the guard does not take consent
        ("grid", "a1-head", False),
        ("officer", "a1-head", False),
    ],
)
def test_who_may_give_and_withdraw_consent(world, user, resident, allowed):
    target, by = world.residents[resident], world.users[user]
    if not allowed:
        with pytest.raises(PermissionDenied):
            give(target, by)
        return
    give(target, by)
    consents.withdraw_consent(target, by=by, reason="")
    assert Consent.objects.get(resident=target).withdrawn_at is not None


def test_the_ledger_is_visible_by_scope_and_to_the_household(world):
    give(world.residents["a1-head"], world.users["staff"])
    give(world.residents["b1-head"], world.users["staff"])
    assert Consent.objects.visible_to(world.users["staff"]).count() == 2
    mine = Consent.objects.visible_to(world.users["resident"])
    assert [c.resident for c in mine] == [world.residents["a1-head"]]
    assert not Consent.objects.visible_to(world.users["grid"]).exists()
    assert not Consent.objects.visible_to(world.users["officer"]).exists()
