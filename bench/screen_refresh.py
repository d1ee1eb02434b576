"""BENCH screen_refresh_1m: the p95 time of the big screen's full data refresh (GET
/screen/data.json: every panel's numbers, the map, the ticker, the duty list) over 1,000,000
cases and the demo's devices, for community staff. Baseline: the same refresh over 5,000
cases. Also prints how long rebuilding the monthly read model takes at that size, and the
year's rates computed straight from the cases table (what the read model saves)."""

from __future__ import annotations

import time

from bench.ledger_page import N, _fill

REQUESTS = 60


def run() -> None:
    from django.test import Client
    from django.utils import timezone

    from bench._util import percentile
    from community_brain.accounts.models import User
    from community_brain.cases.models import Case
    from community_brain.cases.queries import figures
    from community_brain.demo import cases as demo_cases
    from community_brain.demo import devices as demo_devices
    from community_brain.demo import register
    from community_brain.screen import readmodel

    register.seed()
    demo_cases.seed()
    demo_devices.seed()
    client = Client()
    client.force_login(User.objects.get(username="staff"))

    def p95(requests: int) -> tuple[float, float]:
        for _ in range(3):
            assert client.get("/screen/data.json").status_code == 200
        times = []
        for _ in range(requests):
            t = time.perf_counter()
            response = client.get("/screen/data.json")
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        return percentile(times, 95), percentile(times, 50)

    _fill(5_000)
    readmodel.rebuild()
    baseline, _ = p95(REQUESTS // 2)
    started = time.perf_counter()
    _fill(N - 5_000, first=5_001)
    print(
        f"# generated {Case.objects.count()} cases in {time.perf_counter() - started:.0f}s",
        flush=True,
    )
    started = time.perf_counter()
    readmodel.rebuild()
    rebuild = time.perf_counter() - started
    started = time.perf_counter()
    readmodel.refresh_recent()
    recent = time.perf_counter() - started
    started = time.perf_counter()
    figures(Case.objects.filter(reported_at__year=timezone.localdate().year))
    direct = (time.perf_counter() - started) * 1000
    slow, median = p95(REQUESTS)
    print(f"BENCH screen_refresh_1m {slow:.1f} ms ratio={slow / baseline:.2f}", flush=True)
    print(f"BENCH screen_refresh_median_1m {median:.1f} ms", flush=True)
    print(f"BENCH screen_refresh_5k_baseline {baseline:.1f} ms", flush=True)
    print(f"BENCH screen_year_rates_without_read_model_1m {direct:.0f} ms", flush=True)
    print(f"BENCH screen_readmodel_rebuild_1m {rebuild:.1f} s", flush=True)
    print(f"BENCH screen_readmodel_refresh_recent_1m {recent * 1000:.0f} ms", flush=True)
