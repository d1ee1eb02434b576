"""The demo's gates are seeded honestly: no face templates, no face matches, every passage
marked as seeded demo data; a stranger alert opens its case; seeding twice adds nothing."""

from __future__ import annotations

from community_brain.access.models import AccessEvent, Consent, FaceTemplate, Gate
from community_brain.cases.models import Category, RoutingRule
from community_brain.demo import access as demo_access


def test_the_demo_seed_ships_no_faces_and_runs_once(world):
    category = Category.objects.create(code="safety", name="治安隐患")
    RoutingRule.objects.create(category=category, target="property_company", order=1)
    made = demo_access.seed(compound_codes=("CA",))
    assert made > 500
    assert Gate.objects.filter(compound=world.compounds["a"]).count() == 2
    assert not FaceTemplate.objects.exists()
    assert Consent.objects.filter(withdrawn_at__isnull=True).exists()
    events = AccessEvent.objects.all()
    assert set(events.values_list("source", flat=True)) == {"seeded"}
    assert not events.filter(kind="face", decision="granted").exists()
    assert not events.filter(kind="face", similarity__isnull=False).exists()
    assert not events.exclude(embedding_sealed="").exists()
    assert AccessEvent.objects.filter(stranger__alarm__case__source="gate_alert").exists()
    assert demo_access.seed(compound_codes=("CA",)) == 0
