"""Enrolment (人脸录入): a person's template from several photos. Each photo must show exactly
one face that passes the quality gate; every bad photo is reported, each with its reason, so
the person can retake them all at once. The template keeps one embedding per photo, and
matching takes the smallest distance over them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .engine import Face, FaceEngine, Picture, to_rgb
from .errors import EnrolmentRefused, ImageRejected, PhotoProblem, Reason
from .index import pack_embeddings, unpack_embeddings


@dataclass(frozen=True, eq=False)
class Template:
    """One person's embeddings, float32 (photos, 128), and the face used in each photo."""

    embeddings: np.ndarray
    faces: tuple[Face, ...] = ()

    def to_bytes(self) -> bytes:
        return pack_embeddings(self.embeddings)

    @classmethod
    def from_bytes(cls, data: bytes) -> Template:
        return cls(embeddings=unpack_embeddings(data))


def enrol(
    engine: FaceEngine,
    photos: Sequence[Picture],
    *,
    num_jitters: int | None = None,
    min_photos: int = 1,
) -> Template:
    """The template of the one person shown in ``photos``; EnrolmentRefused lists the
    photos that cannot be used and why."""
    if len(photos) < min_photos:
        raise EnrolmentRefused(
            [], f"{len(photos)} photo(s) given; at least {min_photos} needed for enrolment"
        )
    jitters = engine.config.enrol_jitters if num_jitters is None else num_jitters
    chosen: list[tuple[object, Face]] = []
    problems: list[PhotoProblem] = []
    for number, photo in enumerate(photos):
        try:
            image = to_rgb(photo, engine.config.limits)
            analysis = engine.analyse(image, embed="none")
        except ImageRejected as exc:
            problems.append(PhotoProblem(number, exc.reason, exc.detail))
            continue
        acceptable = analysis.acceptable
        if len(acceptable) > 1:
            problems.append(
                PhotoProblem(
                    number,
                    Reason.SEVERAL_FACES,
                    f"{len(acceptable)} faces in the photo; it must show only the person",
                )
            )
        elif not acceptable:
            reason = analysis.reason
            detail = analysis.faces[0].quality.detail if analysis.faces else "no face found"
            problems.append(PhotoProblem(number, reason, detail))
        else:
            chosen.append((image, acceptable[0]))
    if problems:
        raise EnrolmentRefused(problems)
    # Embedded only once every photo is known to be usable: jitters make this the slow part.
    embedded = [engine.embed_face(image, face, jitters) for image, face in chosen]
    return Template(
        embeddings=np.stack([face.embedding for face in embedded]).astype(np.float32),
        faces=tuple(embedded),
    )
