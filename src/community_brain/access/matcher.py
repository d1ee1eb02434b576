"""The server's 1:N matcher: one ``TemplateIndex`` per compound per process, built from the
decrypted templates and kept while the compound's template-set version is unchanged. Every
build reads templates, so every build is audited (``access.template_read``, one row per
template); a withdrawal bumps the version, and the next match rebuilds without it."""

from __future__ import annotations

import threading

from community_brain.access.models import FaceTemplate
from community_brain.access.recognition import FaceEngine, Template, TemplateIndex
from community_brain.access.recognition.at_rest import unseal
from community_brain.core import audit

_lock = threading.Lock()
_indexes: dict[int, tuple[int, TemplateIndex]] = {}
_engine: FaceEngine | None = None


def engine() -> FaceEngine:
    """The process's face engine (models load on first use)."""
    global _engine
    if _engine is None:
        _engine = FaceEngine()
    return _engine


def build_index(compound_id: int, *, reason: str) -> TemplateIndex:
    """A fresh index of the compound's templates; audited per template read."""
    index = TemplateIndex()
    rows = list(FaceTemplate.objects.filter(compound_id=compound_id).select_related("resident"))
    for row in rows:
        index.add(row.resident_id, Template.from_bytes(unseal(row.sealed)).embeddings)
    if rows:
        audit.record_many(
            "access.template_read", rows, data={"reason": reason, "compound": compound_id}
        )
    return index


def index_for(compound_id: int) -> TemplateIndex:
    """The compound's index, rebuilt when its template set has a new version. The version
    is read before the templates, so an index is never labelled newer than its content."""
    from community_brain.access.services.privacy import template_version

    version = template_version(compound_id)
    hit = _indexes.get(compound_id)
    if hit is not None and hit[0] == version:
        return hit[1]
    index = build_index(compound_id, reason="server matching")
    with _lock:
        _indexes[compound_id] = (version, index)
    return index


def forget(compound_id: int | None = None) -> None:
    """Drop the cached index (of one compound, or all): called when a template goes."""
    with _lock:
        if compound_id is None:
            _indexes.clear()
        else:
            _indexes.pop(compound_id, None)
