"""Where the project's shared material lies (``shared/`` beside the checkout: the face
photographs the tests and benchmarks use). A clone elsewhere — a CI runner's scratch
folder — finds it through ``SHARED_DIR`` or the workplace's fixed path."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CANDIDATES = (REPO.parent / "shared", Path("/work/shared"))


def shared_dir() -> Path:
    if os.environ.get("SHARED_DIR"):
        return Path(os.environ["SHARED_DIR"])
    for candidate in CANDIDATES:
        if candidate.is_dir():
            return candidate
    return CANDIDATES[0]


def face_photos() -> Path:
    return shared_dir() / "data" / "faces"
