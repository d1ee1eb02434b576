"""Face recognition for the gates (人脸识别), pure Python on dlib: find faces, refuse poor
ones (size, blur, cut off), align and embed them (128-d), enrol a person from several photos,
and search enrolled people 1:N. No Django models here; the ``access`` app stores the
templates (encrypted) and records the events.

    engine = FaceEngine()
    template = enrol(engine, [photo1, photo2])
    index = TemplateIndex()
    index.add(resident_id, template.embeddings)
    decision = engine.recognise(frame, index)     # decision.owner, decision.match.similarity
"""

from .engine import Analysis, Box, Decision, EngineConfig, Face, FaceEngine, Quality
from .enrol import Template, enrol
from .errors import (
    EnrolmentRefused,
    FaceError,
    ImageRejected,
    ModelsMissing,
    PhotoProblem,
    Reason,
)
from .image import ImageLimits, decode_image
from .index import DEFAULT_THRESHOLD, Match, TemplateIndex, similarity
from .models import load_models

__all__ = [
    "DEFAULT_THRESHOLD",
    "Analysis",
    "Box",
    "Decision",
    "EngineConfig",
    "EnrolmentRefused",
    "Face",
    "FaceEngine",
    "FaceError",
    "ImageLimits",
    "ImageRejected",
    "Match",
    "ModelsMissing",
    "PhotoProblem",
    "Quality",
    "Reason",
    "Template",
    "TemplateIndex",
    "decode_image",
    "enrol",
    "load_models",
    "similarity",
]
