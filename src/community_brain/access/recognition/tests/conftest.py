"""Fixtures of the face engine's tests: the real photographs in ``../shared/data/faces``
(person A: obama*.jpg; person B: biden.jpg), framed as a 640×480 gate camera would see them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageFilter, ImageOps

from community_brain.access.recognition import FaceEngine, TemplateIndex, enrol
from community_brain.conftest import service_missing
from community_brain.shared_data import face_photos

FACES = face_photos()
FRAME = (640, 480)


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def upright(name: str) -> Image.Image:
    return ImageOps.exif_transpose(Image.open(FACES / name)).convert("RGB")


def gate_frame(name: str, blur: float = 0) -> bytes:
    """The photo letterboxed into a 640×480 JPEG, as a gate camera would send it."""
    image = ImageOps.pad(upright(name), FRAME, color=(40, 40, 40))
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    return jpeg(image)


@pytest.fixture(scope="session")
def faces() -> Path:
    if not (FACES / "obama.jpg").is_file():
        service_missing(f"the face photographs ({FACES})")
    return FACES


@pytest.fixture(scope="session")
def engine() -> FaceEngine:
    return FaceEngine()


@pytest.fixture(scope="session")
def template_a(faces, engine):
    """Person A enrolled from two photos."""
    return enrol(engine, [gate_frame("obama.jpg"), gate_frame("obama2.jpg")])


@pytest.fixture
def index_a(template_a) -> TemplateIndex:
    index = TemplateIndex()
    index.add("A", template_a.embeddings)
    return index
