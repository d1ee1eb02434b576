"""1:N search: an in-memory index of float32 face embeddings, several per owner (a resident's
enrolment photos), searched by Euclidean distance; a person's distance is the smallest over
their embeddings. Removing an owner takes effect before ``remove`` returns (consent
withdrawn), and the index round-trips through bytes so it can be encrypted at rest and
shipped to a gate's cache."""

from __future__ import annotations

import json
import math
import struct
import threading
from dataclasses import dataclass

import numpy as np

DEFAULT_THRESHOLD = 0.6  # dlib's: same person below, different people above
DIM = 128

Owner = int | str

_INDEX_HEADER = struct.Struct("<4sBHII")  # magic, version, dim, rows, length of owners JSON
_INDEX_MAGIC = b"CBFI"
_EMBEDDINGS_HEADER = struct.Struct("<4sBHI")  # magic, version, dim, rows
_EMBEDDINGS_MAGIC = b"CBFE"


def similarity(distance: float) -> float:
    """A score in [0, 1] for people: 1 for identical embeddings, 0.5 at dlib's 0.6 distance,
    0 at 1.2 and beyond (different people typically land between 0.75 and 0.95)."""
    return max(0.0, min(1.0, 1.0 - distance / (2 * DEFAULT_THRESHOLD)))


@dataclass(frozen=True)
class Match:
    """The nearest enrolled owner if within the threshold (else ``owner`` is None, and
    ``distance`` is still the nearest one found, or infinity on an empty index)."""

    owner: Owner | None
    distance: float
    similarity: float

    @property
    def known(self) -> bool:
        return self.owner is not None


def as_embeddings(embeddings, dim: int = DIM) -> np.ndarray:
    """One embedding or several, as a C-contiguous float32 (rows, dim) matrix of finite values."""
    matrix = np.ascontiguousarray(embeddings, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.ndim != 2 or matrix.shape[1] != dim or matrix.shape[0] == 0:
        raise ValueError(f"expected embeddings of {dim} values, got shape {matrix.shape}")
    if not np.isfinite(matrix).all():
        raise ValueError("embeddings must be finite numbers")
    return matrix


def pack_embeddings(embeddings) -> bytes:
    """One person's embeddings (a template) as bytes, for storing encrypted."""
    matrix = as_embeddings(embeddings, np.shape(embeddings)[-1])
    rows, dim = matrix.shape
    return _EMBEDDINGS_HEADER.pack(_EMBEDDINGS_MAGIC, 1, dim, rows) + matrix.astype("<f4").tobytes()


def unpack_embeddings(data: bytes) -> np.ndarray:
    view = memoryview(data)
    if len(view) < _EMBEDDINGS_HEADER.size:
        raise ValueError("not a face template: too short")
    magic, version, dim, rows = _EMBEDDINGS_HEADER.unpack_from(view)
    if magic != _EMBEDDINGS_MAGIC or version != 1:
        raise ValueError("not a face template (bad header)")
    if len(view) != _EMBEDDINGS_HEADER.size + rows * dim * 4:
        raise ValueError("damaged face template: wrong length")
    matrix = np.frombuffer(view, dtype="<f4", offset=_EMBEDDINGS_HEADER.size).reshape(rows, dim)
    return as_embeddings(matrix.astype(np.float32), dim)


class TemplateIndex:
    """Owners' embeddings for 1:N search; safe to share between threads."""

    def __init__(self, dim: int = DIM):
        self.dim = dim
        self._lock = threading.Lock()
        self._size = 0
        # Row buffers with spare capacity (doubling), so adding one by one stays cheap.
        self._vectors = np.zeros((0, dim), dtype=np.float32)
        self._norms = np.zeros(0, dtype=np.float32)  # squared norms of the rows
        self._codes = np.zeros(0, dtype=np.int32)  # row → owner code
        self._owners: list[Owner | None] = []  # owner code → owner (None once removed)
        self._code_of: dict[Owner, int] = {}

    def __len__(self) -> int:
        """The number of embeddings (rows), not of owners."""
        return self._size

    def __contains__(self, owner: Owner) -> bool:
        return owner in self._code_of

    def owners(self) -> list[Owner]:
        with self._lock:
            return list(self._code_of)

    def add(self, owner: Owner, embeddings) -> None:
        """Add one embedding or several for ``owner`` (an int or str id)."""
        if isinstance(owner, bool) or not isinstance(owner, int | str):
            raise TypeError(f"owner ids are int or str, not {type(owner).__name__}")
        matrix = as_embeddings(embeddings, self.dim)
        with self._lock:
            self._append(owner, matrix)

    def remove(self, owner: Owner) -> int:
        """Forget every embedding of ``owner`` now; how many were removed."""
        with self._lock:
            return self._remove(owner)

    def replace(self, owner: Owner, embeddings) -> None:
        """Swap ``owner``'s embeddings in one step (re-enrolment): no search sees neither."""
        matrix = as_embeddings(embeddings, self.dim)
        with self._lock:
            self._remove(owner)
            self._append(owner, matrix)

    def search(self, embedding, threshold: float = DEFAULT_THRESHOLD) -> Match:
        """The owner nearest to ``embedding``, if at most ``threshold`` away."""
        query = as_embeddings(embedding, self.dim)[0]
        with self._lock:
            n = self._size
            if n == 0:
                return Match(None, math.inf, 0.0)
            # ||v - q||² = ||v||² + ||q||² - 2 v·q: one matrix-vector product over all rows;
            # ||q||² is the same for every row, so it is left out of the argmin.
            scores = self._norms[:n] - 2.0 * (self._vectors[:n] @ query)
            row = int(np.argmin(scores))
            nearest = self._vectors[row].astype(np.float64)
            owner = self._owners[self._codes[row]]
        # Recomputed exactly: the expansion above loses digits to cancellation in float32.
        distance = float(np.linalg.norm(nearest - query.astype(np.float64)))
        return Match(owner if distance <= threshold else None, distance, similarity(distance))

    def to_bytes(self) -> bytes:
        with self._lock:
            n = self._size
            live = sorted(set(self._codes[:n].tolist()))
            renumber = np.zeros(len(self._owners), dtype=np.int32)
            renumber[live] = np.arange(len(live), dtype=np.int32)
            codes = renumber[self._codes[:n]]
            owners = [self._owners[c] for c in live]
            vectors = self._vectors[:n].astype("<f4")
        names = json.dumps(owners, ensure_ascii=False).encode()
        header = _INDEX_HEADER.pack(_INDEX_MAGIC, 1, self.dim, n, len(names))
        return header + names + codes.astype("<i4").tobytes() + vectors.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> TemplateIndex:
        view = memoryview(data)
        if len(view) < _INDEX_HEADER.size:
            raise ValueError("not a template index: too short")
        magic, version, dim, rows, names_len = _INDEX_HEADER.unpack_from(view)
        if magic != _INDEX_MAGIC or version != 1:
            raise ValueError("not a template index (bad header)")
        start = _INDEX_HEADER.size
        if len(view) != start + names_len + rows * 4 + rows * dim * 4:
            raise ValueError("damaged template index: wrong length")
        owners = json.loads(bytes(view[start : start + names_len]))
        start += names_len
        codes = np.frombuffer(view, dtype="<i4", count=rows, offset=start).astype(np.int32)
        vectors = np.frombuffer(view, dtype="<f4", count=rows * dim, offset=start + rows * 4)
        if (
            not isinstance(owners, list)
            or any(isinstance(o, bool) or not isinstance(o, int | str) for o in owners)
            or len(set(owners)) != len(owners)
        ):
            raise ValueError("damaged template index: bad owner list")
        if rows and (codes.min() < 0 or codes.max() >= len(owners)):
            raise ValueError("damaged template index: owner out of range")
        matrix = vectors.reshape(rows, dim).astype(np.float32)  # writable, not tied to ``data``
        if not np.isfinite(matrix).all():
            raise ValueError("damaged template index: values are not finite")
        index = cls(dim)
        index._vectors = matrix
        index._norms = np.einsum("ij,ij->i", index._vectors, index._vectors)
        index._codes = codes
        index._owners = owners
        index._code_of = {owner: code for code, owner in enumerate(owners)}
        index._size = rows
        return index

    def _append(self, owner: Owner, matrix: np.ndarray) -> None:
        code = self._code_of.get(owner)
        if code is None:
            code = self._code_of[owner] = len(self._owners)
            self._owners.append(owner)
        n, k = self._size, len(matrix)
        if n + k > len(self._vectors):
            self._grow(max(n + k, 2 * len(self._vectors), 1024))
        self._vectors[n : n + k] = matrix
        self._norms[n : n + k] = np.einsum("ij,ij->i", matrix, matrix)
        self._codes[n : n + k] = code
        self._size = n + k

    def _remove(self, owner: Owner) -> int:
        code = self._code_of.pop(owner, None)
        if code is None:
            return 0
        self._owners[code] = None
        n = self._size
        keep = self._codes[:n] != code
        m = int(keep.sum())
        self._vectors[:m] = self._vectors[:n][keep]
        self._norms[:m] = self._norms[:n][keep]
        self._codes[:m] = self._codes[:n][keep]
        self._vectors[m:n] = 0  # leave no copy of the removed biometric data behind
        self._size = m
        return n - m

    def _grow(self, capacity: int) -> None:
        n = self._size
        for name, shape in (
            ("_vectors", (capacity, self.dim)),
            ("_norms", (capacity,)),
            ("_codes", (capacity,)),
        ):
            old = getattr(self, name)
            new = np.zeros(shape, dtype=old.dtype)
            new[:n] = old[:n]
            setattr(self, name, new)
