"""The 1:N template index on synthetic embeddings: nearest owner, several embeddings per
owner, immediate removal, bytes round trip, concurrent use, bad input."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from community_brain.access.recognition import TemplateIndex, similarity


def unit_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    rows = rng.standard_normal((n, 128)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def near(vector: np.ndarray, rng: np.random.Generator, distance: float) -> np.ndarray:
    step = rng.standard_normal(128).astype(np.float32)
    return (vector + distance * step / np.linalg.norm(step)).astype(np.float32)


@pytest.fixture
def crowd():
    """10,000 random owners (ints), one planted owner (a str) among them."""
    rng = np.random.default_rng(9)
    index = TemplateIndex()
    for owner, row in enumerate(unit_rows(rng, 10_000)):
        index.add(owner, row)
    planted = unit_rows(rng, 1)[0]
    index.add("planted", planted)
    return index, planted, rng


def test_search_over_10k_finds_the_planted_template(crowd):
    index, planted, rng = crowd
    assert len(index) == 10_001
    match = index.search(near(planted, rng, 0.3))
    assert match.owner == "planted"
    assert match.distance == pytest.approx(0.3, abs=1e-4)
    assert match.similarity == pytest.approx(0.75, abs=1e-3)
    assert not index.search(unit_rows(rng, 1)[0]).known  # a stranger: ≈ 1.41 from everyone


def test_search_agrees_with_brute_force(crowd):
    index, _, rng = crowd
    rows = index._vectors[: len(index)].astype(np.float64)
    for query in unit_rows(rng, 20):
        distances = np.linalg.norm(rows - query, axis=1)
        match = index.search(query, threshold=2.0)
        assert match.distance == pytest.approx(distances.min(), abs=1e-6)
        assert match.owner == index._owners[index._codes[int(distances.argmin())]]


def test_an_owner_is_as_near_as_their_nearest_embedding():
    rng = np.random.default_rng(1)
    photos = unit_rows(rng, 3)
    index = TemplateIndex()
    index.add(7, photos)
    index.add(8, unit_rows(rng, 2))
    match = index.search(near(photos[2], rng, 0.2))
    assert (match.owner, round(match.distance, 4)) == (7, 0.2)
    assert sorted(index.owners(), key=str) == [7, 8]


def test_threshold_decides_known_or_unknown_but_distance_is_always_given():
    rng = np.random.default_rng(2)
    row = unit_rows(rng, 1)[0]
    index = TemplateIndex()
    index.add("x", row)
    query = near(row, rng, 0.5)
    assert index.search(query).owner == "x"
    strict = index.search(query, threshold=0.4)
    assert strict.owner is None
    assert strict.distance == pytest.approx(0.5, abs=1e-4)


def test_an_empty_index_knows_nobody():
    match = TemplateIndex().search(np.zeros(128, dtype=np.float32))
    assert (match.owner, match.distance, match.similarity) == (None, math.inf, 0.0)


def test_removal_is_immediate_and_keeps_the_others(crowd):
    index, planted, rng = crowd
    query = near(planted, rng, 0.1)
    assert index.remove("planted") == 1
    assert index.remove("planted") == 0
    assert "planted" not in index
    assert not index.search(query).known
    assert len(index) == 10_000
    # rows moved by the compaction still answer for their owners
    for owner in (0, 5_000, 9_999):
        row = index._vectors[list(index._codes[: len(index)]).index(index._code_of[owner])]
        assert index.search(row).owner == owner


def test_replace_swaps_an_owners_embeddings():
    rng = np.random.default_rng(3)
    old, new = unit_rows(rng, 2)
    index = TemplateIndex()
    index.add("r", old)
    index.replace("r", new)
    assert index.search(old).owner is None
    assert index.search(new).owner == "r"
    assert len(index) == 1


def test_the_index_round_trips_through_bytes(crowd):
    index, planted, rng = crowd
    index.add("住户-张三", unit_rows(rng, 2))
    index.remove(17)
    restored = TemplateIndex.from_bytes(index.to_bytes())
    assert len(restored) == len(index)
    assert set(restored.owners()) == set(index.owners())
    assert 17 not in restored
    for query in [near(planted, rng, 0.2), *unit_rows(rng, 5)]:
        assert restored.search(query, 2.0) == index.search(query, 2.0)
    restored.add("later", unit_rows(rng, 1))  # the restored index is still writable
    assert restored.search(restored._vectors[len(restored) - 1]).owner == "later"


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda b: b[:10], "too short"),
        (lambda b: b"XXXX" + b[4:], "bad header"),
        (lambda b: b[:-1], "wrong length"),
    ],
)
def test_damaged_bytes_are_refused(damage, words):
    index = TemplateIndex()
    index.add(1, np.ones(128, dtype=np.float32))
    with pytest.raises(ValueError, match=words):
        TemplateIndex.from_bytes(damage(index.to_bytes()))


def test_bad_embeddings_and_owners_are_refused():
    index = TemplateIndex()
    with pytest.raises(ValueError, match="128 values"):
        index.add(1, np.ones(64))
    with pytest.raises(ValueError, match="finite"):
        index.add(1, np.full(128, np.nan))
    with pytest.raises(TypeError, match="int or str"):
        index.add(True, np.ones(128))
    with pytest.raises(ValueError, match="128 values"):
        index.search(np.ones(3))


def test_concurrent_adds_removals_and_searches_stay_consistent():
    rng = np.random.default_rng(4)
    index = TemplateIndex()
    rows = unit_rows(rng, 400)
    errors: list[BaseException] = []

    def writer(start: int) -> None:
        try:
            for n in range(start, 400, 4):
                index.add(n, rows[n])
                if n % 8 == 0:
                    index.remove(n)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader() -> None:
        try:
            for n in range(300):
                match = index.search(rows[n])
                assert match.owner in (None, n)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(s,)) for s in range(4)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(index) == 350
    assert all(index.search(rows[n]).owner == (None if n % 8 == 0 else n) for n in range(400))


def test_similarity_is_between_zero_and_one():
    assert similarity(0.0) == 1.0
    assert similarity(0.6) == pytest.approx(0.5)
    assert similarity(5.0) == 0.0
