"""Enrolment and recognition on real photographs: A enrolled from two photos is recognised
in a third; B comes out unknown; bad enrolment photos are each named; withdrawal forgets A."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from community_brain.access.recognition import (
    EnrolmentRefused,
    Reason,
    Template,
    TemplateIndex,
    enrol,
)
from community_brain.access.recognition.at_rest import seal, unseal

from .conftest import FRAME, gate_frame, jpeg, upright


def test_a_enrolled_from_two_photos_is_recognised_in_a_third(template_a, index_a, engine):
    assert template_a.embeddings.shape == (2, 128)
    assert template_a.embeddings.dtype == np.float32
    decision = engine.recognise(gate_frame("obama3.jpg"), index_a)
    assert decision.reason is Reason.OK
    assert decision.owner == "A"
    assert decision.match.distance < 0.45
    assert decision.match.similarity > 0.6


def test_another_person_comes_out_unknown(index_a, engine):
    decision = engine.recognise(gate_frame("biden.jpg"), index_a)
    assert decision.reason is Reason.OK
    assert decision.face is not None
    assert decision.owner is None
    assert not decision.match.known
    assert decision.match.distance > 0.6
    assert decision.match.similarity < 0.5


def test_a_frame_without_usable_face_gives_no_match_and_the_reason(index_a, engine):
    decision = engine.recognise(gate_frame("obama.jpg", blur=3), index_a)
    assert decision.match is None
    assert decision.owner is None
    assert decision.reason is Reason.BLURRY
    empty = engine.recognise(jpeg(Image.new("RGB", FRAME, (128, 128, 128))), index_a)
    assert empty.reason is Reason.NO_FACE


def test_withdrawing_consent_makes_a_unknown_at_once(index_a, engine):
    frame = gate_frame("obama3.jpg")
    assert engine.recognise(frame, index_a).owner == "A"
    assert index_a.remove("A") == 2
    assert "A" not in index_a
    decision = engine.recognise(frame, index_a)
    assert decision.owner is None
    assert decision.match.distance == float("inf")


def test_enrolment_names_every_unusable_photo(faces, engine):
    photos = [
        b"not a photo",
        gate_frame("obama.jpg", blur=3),
        (faces / "obama_partial_face.jpg").read_bytes(),
        jpeg(Image.new("RGB", FRAME, (128, 128, 128))),
        gate_frame("obama2.jpg"),
    ]
    with pytest.raises(EnrolmentRefused) as caught:
        enrol(engine, photos)
    problems = caught.value.problems
    assert [(p.index, p.reason) for p in problems] == [
        (0, Reason.NOT_AN_IMAGE),
        (1, Reason.BLURRY),
        (2, Reason.OUTSIDE_FRAME),
        (3, Reason.NO_FACE),
    ]
    assert "photo 2: the face is blurred" in str(caught.value)


def test_enrolment_refuses_a_photo_with_two_people(faces, engine):
    both = Image.new("RGB", FRAME, (40, 40, 40))
    a, b = upright("obama.jpg"), upright("biden.jpg")
    both.paste(a.resize((a.width * 480 // a.height, 480)), (0, 0))
    both.paste(b.resize((b.width * 480 // b.height, 480)), (400, 0))
    with pytest.raises(EnrolmentRefused, match="2 faces") as caught:
        enrol(engine, [jpeg(both)])
    assert caught.value.problems[0].reason is Reason.SEVERAL_FACES


def test_enrolment_needs_the_photos_asked_for(engine):
    with pytest.raises(EnrolmentRefused, match="at least 2 needed"):
        enrol(engine, [b"x"], min_photos=2)


def test_templates_round_trip_through_bytes_and_encryption(template_a, settings):
    restored = Template.from_bytes(template_a.to_bytes())
    np.testing.assert_array_equal(restored.embeddings, template_a.embeddings)

    index = TemplateIndex()
    index.add("A", template_a.embeddings)
    token = seal(index.to_bytes())
    assert isinstance(token, str)
    back = TemplateIndex.from_bytes(unseal(token))
    assert back.search(template_a.embeddings[0]).owner == "A"
    settings.FIELD_ENCRYPTION_KEY = "another key"
    with pytest.raises(ValueError, match="wrong FIELD_ENCRYPTION_KEY"):
        unseal(token)


def test_template_bytes_are_checked():
    with pytest.raises(ValueError, match="not a face template"):
        Template.from_bytes(b"nonsense")
    data = Template(embeddings=np.ones((2, 128), dtype=np.float32)).to_bytes()
    with pytest.raises(ValueError, match="wrong length"):
        Template.from_bytes(data[:-4])
