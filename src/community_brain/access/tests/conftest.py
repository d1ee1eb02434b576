"""Fixtures of the access app's tests: the test world with a gate (a camera and a reader)
at compound a, consent given through the services, and the real photographs of
``../shared/data/faces`` framed as a 640×480 gate camera sends them."""

from __future__ import annotations

import pytest

from community_brain.access.recognition.tests.conftest import engine, faces, gate_frame  # noqa: F401
from community_brain.access.services import consent as consents
from community_brain.access.services import gates, privacy


def give(resident, by, **kwargs):
    """Consent as the consent page gives it: under the notice as now shown."""
    compound = resident.household.building.compound
    ps = privacy.settings_for(compound)
    return consents.give_consent(
        resident,
        by=by,
        notice_version=ps.notice_version,
        notice_hash=privacy.notice_hash(privacy.notice_text(ps)),
        **kwargs,
    )


@pytest.fixture
def site(world):
    """Compound a's main gate with a camera and a reader, and their tokens."""
    staff = world.users["staff"]
    gate = gates.create_gate(
        world.compounds["a"], by=staff, data={"code": "a-main", "name": "南门", "direction": "both"}
    )
    camera, camera_token = gates.add_device(gate, by=staff, kind="camera", code="A-GATE-CAM1")
    reader, reader_token = gates.add_device(gate, by=staff, kind="reader", code="A-GATE-RD1")
    side = gates.create_gate(
        world.compounds["a"], by=staff, data={"code": "a-north", "name": "北门", "direction": "in"}
    )
    side_camera, _ = gates.add_device(side, by=staff, kind="camera", code="A-GATE-CAM2")
    return {
        "gate": gate,
        "camera": camera,
        "camera_token": camera_token,
        "reader": reader,
        "reader_token": reader_token,
        "side": side,
        "side_camera": side_camera,
    }


@pytest.fixture
def photos(faces):  # noqa: F811  (the fixture imported above)
    return [gate_frame("obama.jpg"), gate_frame("obama2.jpg")]


@pytest.fixture(autouse=True)
def _fresh_matcher():
    from community_brain.access import matcher

    matcher.forget()
    yield
    matcher.forget()
