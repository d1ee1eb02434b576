"""The face engine: photo → faces found (HOG) → quality gate → aligned (5 points) → 128-d
embedding (dlib's ResNet), and a gate's decision against a ``TemplateIndex``.

One engine per process is enough; it is safe to share between threads."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import numpy as np
from PIL import Image

from .errors import ImageRejected, Reason
from .image import ImageLimits, decode_image
from .index import DEFAULT_THRESHOLD
from .models import Models, load_models

if TYPE_CHECKING:
    from .index import Match, TemplateIndex

EMBEDDING_SIZE = 128
# The blur measure is taken on the face resized to this square, so that one threshold fits
# faces of any size; 64 px is about the size of a face in a 640×480 gate frame.
SHARPNESS_SIDE = 64


@dataclass(frozen=True)
class EngineConfig:
    """Tuning of the engine; every field has a default fit for a 640×480 gate camera."""

    # HOG pyramid upsampling: 0 finds faces from about 70 px wide; 1 finds faces half that
    # size but takes about 4× as long.
    upsample: int = 0
    # Added to the detector's threshold: above 0 fewer, surer faces; below 0 more.
    detector_threshold: float = 0.0
    # Larger photos (phone enrolment shots) are searched for faces on a reduced copy; the
    # boxes are mapped back and the face is aligned and embedded at full resolution.
    detect_max_side: int = 1280
    # Quality gate.
    min_face_px: int = 60
    min_sharpness: float = 50.0  # variance of the Laplacian of the grey 64×64 face
    # dlib's jitters: the embedding is averaged over this many randomly shifted copies.
    num_jitters: int = 1
    enrol_jitters: int = 5
    limits: ImageLimits = field(default_factory=ImageLimits)


@dataclass(frozen=True)
class Box:
    """A face's box in the photo's pixels (upright); ``right``/``bottom`` are exclusive."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def area(self) -> int:
        return self.width * self.height


@dataclass(frozen=True)
class Quality:
    reason: Reason
    detail: str
    sharpness: float

    @property
    def ok(self) -> bool:
        return self.reason is Reason.OK


@dataclass(frozen=True, eq=False)
class Face:
    box: Box
    score: float  # the detector's confidence
    quality: Quality
    embedding: np.ndarray | None = None  # float32 (128,), only for acceptable faces

    @property
    def acceptable(self) -> bool:
        return self.quality.ok


@dataclass(frozen=True, eq=False)
class Analysis:
    """Every face found in one photo, largest first."""

    width: int
    height: int
    faces: tuple[Face, ...]

    @property
    def acceptable(self) -> list[Face]:
        return [f for f in self.faces if f.acceptable]

    @property
    def best(self) -> Face | None:
        """The largest face that passed the quality gate: at a gate, the person in front."""
        return next((f for f in self.faces if f.acceptable), None)

    @property
    def reason(self) -> Reason:
        """OK when a face passed the gate; otherwise why the largest face failed, or NO_FACE."""
        if self.best is not None:
            return Reason.OK
        return self.faces[0].quality.reason if self.faces else Reason.NO_FACE


@dataclass(frozen=True, eq=False)
class Decision:
    """What a gate camera's frame comes to: the face used (if any) and its match (if any)."""

    analysis: Analysis
    face: Face | None
    match: Match | None

    @property
    def reason(self) -> Reason:
        return self.analysis.reason

    @property
    def owner(self):
        """The recognised owner id, or None (no usable face, or an unknown one)."""
        return self.match.owner if self.match is not None else None


Picture = bytes | bytearray | memoryview | Image.Image | np.ndarray


class FaceEngine:
    def __init__(self, config: EngineConfig | None = None, **overrides):
        self.config = replace(config or EngineConfig(), **overrides)
        self._models: Models | None = None

    @property
    def models(self) -> Models:
        if self._models is None:
            self._models = load_models()
        return self._models

    def analyse(
        self,
        picture: Picture,
        *,
        embed: Literal["all", "best", "none"] = "all",
        num_jitters: int | None = None,
    ) -> Analysis:
        """Find the faces in ``picture``, gate them, and embed the acceptable ones."""
        image = to_rgb(picture, self.config.limits)
        pixels = np.asarray(image)
        faces = self._detect(image)
        jitters = self.config.num_jitters if num_jitters is None else num_jitters
        chosen = {
            "all": [f for f in faces if f.acceptable],
            "best": [f for f in faces if f.acceptable][:1],
            "none": [],
        }[embed]
        faces = [
            replace(f, embedding=self._embed(pixels, f.box, jitters)) if f in chosen else f
            for f in faces
        ]
        return Analysis(width=image.width, height=image.height, faces=tuple(faces))

    def recognise(
        self, picture: Picture, index: TemplateIndex, threshold: float = DEFAULT_THRESHOLD
    ) -> Decision:
        """A gate's decision: the largest acceptable face, searched in ``index``."""
        analysis = self.analyse(picture, embed="best")
        face = analysis.best
        match = index.search(face.embedding, threshold) if face is not None else None
        return Decision(analysis=analysis, face=face, match=match)

    def embed_face(self, picture: Picture, face: Face, num_jitters: int | None = None) -> Face:
        """``face`` (found in ``picture`` by ``analyse``) with its embedding computed."""
        jitters = self.config.num_jitters if num_jitters is None else num_jitters
        pixels = np.asarray(to_rgb(picture, self.config.limits))
        return replace(face, embedding=self._embed(pixels, face.box, jitters))

    def _detect(self, image: Image.Image) -> list[Face]:
        cfg = self.config
        scale = min(1.0, cfg.detect_max_side / max(image.size))
        small = image if scale == 1.0 else image.reduce(math.ceil(1 / scale))
        scale = small.width / image.width
        rects, scores, _ = self.models.detector.run(
            np.asarray(small), cfg.upsample, cfg.detector_threshold
        )
        faces = []
        for rect, score in zip(rects, scores, strict=True):
            left, top = math.floor(rect.left() / scale), math.floor(rect.top() / scale)
            right = math.ceil((rect.right() + 1) / scale)
            bottom = math.ceil((rect.bottom() + 1) / scale)
            box = Box(left, top, right - left, bottom - top)
            faces.append(Face(box=box, score=float(score), quality=self._gate(image, box)))
        faces.sort(key=lambda f: f.box.area, reverse=True)
        return faces

    def _gate(self, image: Image.Image, box: Box) -> Quality:
        cfg = self.config
        if box.left < 0 or box.top < 0 or box.right > image.width or box.bottom > image.height:
            return Quality(Reason.OUTSIDE_FRAME, "the face is partly outside the picture", 0.0)
        if min(box.width, box.height) < cfg.min_face_px:
            return Quality(
                Reason.TOO_SMALL,
                f"the face is {min(box.width, box.height)} px wide; "
                f"at least {cfg.min_face_px} px needed (come closer)",
                0.0,
            )
        value = sharpness(image, box)
        if value < cfg.min_sharpness:
            return Quality(
                Reason.BLURRY,
                f"the face is blurred (sharpness {value:.0f}; at least {cfg.min_sharpness:.0f})",
                value,
            )
        return Quality(Reason.OK, "", value)

    def _embed(self, pixels: np.ndarray, box: Box, jitters: int) -> np.ndarray:
        import dlib

        rect = dlib.rectangle(box.left, box.top, box.right - 1, box.bottom - 1)
        models = self.models
        with models.lock:
            shape = models.shape_predictor(pixels, rect)
            vector = models.encoder.compute_face_descriptor(pixels, shape, jitters)
        return np.asarray(vector, dtype=np.float32)


def to_rgb(picture: Picture, limits: ImageLimits | None = None) -> Image.Image:
    """Bytes are decoded and validated; an array must already be upright RGB (H×W×3 uint8)."""
    if isinstance(picture, Image.Image):
        return picture if picture.mode == "RGB" else picture.convert("RGB")
    if isinstance(picture, np.ndarray):
        if picture.ndim != 3 or picture.shape[2] != 3 or picture.dtype != np.uint8:
            raise ImageRejected(
                Reason.NOT_AN_IMAGE,
                f"expected an H×W×3 uint8 RGB array, got {picture.shape} {picture.dtype}",
            )
        return Image.fromarray(picture)
    return decode_image(picture, limits)


def sharpness(image: Image.Image, box: Box) -> float:
    """Variance of the 4-neighbour Laplacian of the face, grey and resized to 64×64: a
    sharp face scores in the hundreds, a blurred one in the tens."""
    inside = (
        max(box.left, 0),
        max(box.top, 0),
        min(box.right, image.width),
        min(box.bottom, image.height),
    )
    crop = image.crop(inside).convert("L")
    grey = np.asarray(
        crop.resize((SHARPNESS_SIDE, SHARPNESS_SIDE), Image.Resampling.BILINEAR), dtype=np.float32
    )
    laplacian = (
        grey[1:-1, :-2] + grey[1:-1, 2:] + grey[:-2, 1:-1] + grey[2:, 1:-1] - 4 * grey[1:-1, 1:-1]
    )
    return float(laplacian.var())
