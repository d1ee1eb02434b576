"""Unknown faces grouped across gates and days; an alert, through the alarm path, opens a
case from a gate alert; staff mark a group; the retention job purges snapshots, embeddings,
events and groups."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from community_brain.access import retention
from community_brain.access.models import AccessEvent, StrangerGroup
from community_brain.access.services import gates
from community_brain.cases.choices import Source
from community_brain.cases.models import Case, Category, RoutingRule
from community_brain.core.errors import IllegalTransition
from community_brain.devices.models import Alarm
from community_brain.notify.periodic import job

RNG = np.random.default_rng(7)
FACE_X = RNG.normal(0, 0.09, 128)
FACE_Y = RNG.normal(0, 0.09, 128)


def near(face, spread=0.01):
    return (face + RNG.normal(0, spread, 128)).tolist()


def post(gate_device, n, face, at):
    return gates.record_edge_events(
        gate_device,
        [
            {
                "id": f"{gate_device.pk}-{at.isoformat()}-{n}",
                "at": at.isoformat(),
                "kind": "face",
                "decision": "unknown",
                "similarity": 0.2,
                "embedding": near(face),
            }
        ],
    )


@pytest.fixture
def safety(world):
    category = Category.objects.create(code="safety", name="治安隐患", resolve_workdays=2)
    RoutingRule.objects.create(category=category, target="property_company", order=1)
    return category


def daytime(days_ago=0, hour=10):
    local = timezone.localtime() - timedelta(days=days_ago)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_unknown_faces_are_grouped_and_a_third_sighting_opens_a_gate_alert_case(
    world, site, safety
):
    camera = site["camera"]
    post(camera, 1, FACE_X, daytime(2))
    post(camera, 2, FACE_Y, daytime(2, 11))
    assert StrangerGroup.objects.count() == 2  # two different people
    post(camera, 3, FACE_X, daytime(1))
    x = StrangerGroup.objects.get(sightings=2)
    assert x.alerted_at is None
    post(camera, 4, FACE_X, daytime(0))
    x.refresh_from_db()
    assert x.sightings == 3 and x.alerted_at is not None
    alarm = Alarm.objects.get(pk=x.alarm_id)
    assert alarm.case is not None and alarm.case.source == Source.GATE_ALERT
    assert alarm.case.organisation == world.orgs["prop_a"]
    post(camera, 5, FACE_X, daytime(0, 12))
    assert Case.objects.count() == 1  # one alert per group

    from community_brain.access import strangers

    strangers.mark(x, "visitor", by=world.users["staff"], note="亲戚来访")
    alarm.refresh_from_db()
    assert alarm.cleared_at is not None
    with pytest.raises(IllegalTransition):
        strangers.mark(x, "resolved", by=world.users["staff"])


def test_a_stranger_at_two_gates_or_at_night_alerts_at_once(world, site, safety):
    post(site["camera"], 1, FACE_X, daytime(1))
    post(site["side_camera"], 2, FACE_X, daytime(1, 12))
    assert StrangerGroup.objects.get().alerted_at is not None
    post(site["camera"], 3, FACE_Y, daytime(1, 23) + timedelta(minutes=30))
    night = StrangerGroup.objects.exclude(pk=StrangerGroup.objects.first().pk)
    assert StrangerGroup.objects.filter(alerted_at__isnull=False).count() == 2, night


def test_retention_purges_snapshots_then_events_then_groups(world, site, safety):
    assert job("access.purge").func == "community_brain.access.retention.purge"
    post(site["camera"], 1, FACE_X, daytime(10))
    post(site["camera"], 2, FACE_Y, daytime(1))
    old = AccessEvent.objects.get(stranger__sightings=1, at__lt=daytime(5))
    old.snapshot.save("x.jpg", ContentFile(b"jpeg"), save=True)
    path = old.snapshot.path
    gates.open_by_hand(site["gate"], by=world.users["property"], reason="送水")

    done = retention.purge()
    old.refresh_from_db()
    assert not old.snapshot and not old.embedding_sealed
    import os

    assert not os.path.exists(path)
    assert done[world.compounds["a"].pk]["captures"] == 1
    assert StrangerGroup.objects.exclude(centroid_sealed="").count() == 1  # the recent one
    assert AccessEvent.objects.count() == 3

    with time_machine.travel(timezone.now() + timedelta(days=100)):
        retention.purge()
    assert AccessEvent.objects.count() == 0
    assert StrangerGroup.objects.count() == 0
    assert retention.purge() == {}  # nothing left: safe to run again


def test_the_template_of_a_resident_who_moved_out_is_deleted(world, site):
    from community_brain.access.models import Consent, FaceTemplate
    from community_brain.access.recognition.at_rest import seal
    from community_brain.access.services import privacy
    from community_brain.places import services as place_services

    from .conftest import give

    resident = world.residents["a1-head"]
    consent = give(resident, world.users["staff"])
    FaceTemplate.objects.create(
        resident=resident,
        compound=world.compounds["a"],
        consent=consent,
        sealed=seal(b"x"),
        photos=2,
        quality=100,
        created_at=timezone.now(),
    )
    version = privacy.template_version(world.compounds["a"].pk)
    assert retention.forget_moved_out() == 0
    place_services.move_out(by=world.users["staff"], resident=resident)
    retention.purge()
    assert not FaceTemplate.objects.exists()
    assert Consent.objects.get(pk=consent.pk).withdrawal_reason == "moved out"
    assert privacy.template_version(world.compounds["a"].pk) == version + 1
