"""BENCH face_frame_640: a gate's decision on one 640×480 JPEG frame — decode and validate,
detect (HOG), quality gate, align, embed, search an index of 1,000 people — on one core;
the median, with the p95 on a comment line. Baseline, in the same run: the bare dlib calls
on the same frame (Pillow decode, detector, shape predictor, ResNet), nothing else.

BENCH face_search_100k: one 1:N search over 100,000 random float32 templates (median of
200 searches). Baseline, in the same run: the obvious numpy,
``np.linalg.norm(templates - query, axis=1).argmin()``.

Both run in a child process pinned to one CPU, with the BLAS/OpenMP thread counts set to 1
before numpy is imported (dlib-bin is built without BLAS and computes on one thread)."""

from __future__ import annotations

import io
import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._util import percentile
from community_brain.shared_data import face_photos

REPO = Path(__file__).resolve().parent.parent
FACES = face_photos()
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)
FRAMES = 40
SEARCHES = 200


def run() -> None:
    env = {**os.environ, **dict.fromkeys(THREAD_VARIABLES, "1")}
    subprocess.run([sys.executable, "-m", "bench.face", "child"], env=env, cwd=REPO, check=True)


def _gate_frame(name: str) -> bytes:
    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(Image.open(FACES / name)).convert("RGB")
    out = io.BytesIO()
    ImageOps.pad(image, (640, 480), color=(40, 40, 40)).save(out, "JPEG", quality=90)
    return out.getvalue()


def _timed(fn, times: int) -> list[float]:
    took = []
    for _ in range(times):
        started = time.perf_counter()
        fn()
        took.append((time.perf_counter() - started) * 1000)
    return took


def _unit_rows(rng, n: int):
    import numpy as np

    rows = rng.standard_normal((n, 128), dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _frame() -> None:
    import numpy as np
    from PIL import Image

    from community_brain.access.recognition import FaceEngine, TemplateIndex, enrol, load_models

    if not (FACES / "obama3.jpg").is_file():
        print(f"# face photos not found in {FACES}: face_frame_640 not measured", flush=True)
        return
    started = time.perf_counter()
    models = load_models()
    print(f"# face models loaded in {time.perf_counter() - started:.2f} s", flush=True)
    engine = FaceEngine()
    index = TemplateIndex()
    for owner, row in enumerate(_unit_rows(np.random.default_rng(640), 999)):
        index.add(owner, row)
    index.add("A", enrol(engine, [_gate_frame("obama.jpg"), _gate_frame("obama2.jpg")]).embeddings)
    frame = _gate_frame("obama3.jpg")

    def decide():
        assert engine.recognise(frame, index).owner == "A"

    def bare():
        pixels = np.asarray(Image.open(io.BytesIO(frame)).convert("RGB"))
        [rect] = models.detector(pixels, 0)
        models.encoder.compute_face_descriptor(pixels, models.shape_predictor(pixels, rect))

    _timed(decide, 3)
    took = _timed(decide, FRAMES)
    _timed(bare, 3)
    baseline = percentile(_timed(bare, FRAMES), 50)
    median = percentile(took, 50)
    print(f"BENCH face_frame_640 {median:.0f} ms ratio={median / baseline:.2f}", flush=True)
    print(
        f"# face_frame_640 p95 {percentile(took, 95):.0f} ms, min {min(took):.0f} ms "
        f"over {FRAMES} frames (1,000 people enrolled)",
        flush=True,
    )
    print(f"BENCH face_frame_640_baseline_bare_dlib {baseline:.0f} ms", flush=True)


def _search() -> None:
    import numpy as np

    from community_brain.access.recognition import TemplateIndex

    rng = np.random.default_rng(100_000)
    rows = _unit_rows(rng, 100_000)
    started = time.perf_counter()
    index = TemplateIndex()
    for owner, row in enumerate(rows[:-1]):
        index.add(owner, row)
    index.add("planted", rows[-1])
    print(f"# 100,000 templates added one by one in {time.perf_counter() - started:.1f} s")
    queries = itertools.cycle(rows[-1] + 0.03 * _unit_rows(rng, SEARCHES))

    def search():
        assert index.search(next(queries)).owner == "planted"

    def naive():
        assert np.linalg.norm(rows - next(queries), axis=1).argmin() == len(rows) - 1

    _timed(search, 10)
    took = _timed(search, SEARCHES)
    baseline = percentile(_timed(naive, 20), 50)
    median = percentile(took, 50)
    print(f"BENCH face_search_100k {median:.2f} ms ratio={median / baseline:.2f}", flush=True)
    print(f"# face_search_100k p95 {percentile(took, 95):.2f} ms over {SEARCHES} searches")
    print(f"BENCH face_search_100k_baseline_naive_numpy {baseline:.1f} ms", flush=True)


def child() -> None:
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    print(f"# face benchmarks pinned to CPU {cpu}, one thread", flush=True)
    _frame()
    _search()


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child()
