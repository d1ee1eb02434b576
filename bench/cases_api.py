"""BENCH case_create_api: cases reported through the HTTP API (token auth, validation,
routing, working-day deadlines, numbering, timeline, dispatch and notices), sustained over
15 s by 8 concurrent clients on keep-alive connections against ``brain serve`` with 2
workers. BENCH_WORKERS, BENCH_CLIENTS and BENCH_KEEPALIVE=0 (a new connection per request,
as behind a proxy that does not keep upstream connections) change that. Baseline: the same
clients fetching /healthz (a request that touches the database once)."""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
import uuid

DURATION = 15.0
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))


def _load(base: str, token: str, make_request) -> int:
    """CLIENTS threads, each with one keep-alive connection (http.client: lighter than
    httpx, so the load generator takes less of the two cores)."""
    import http.client
    from urllib.parse import urlsplit

    host = urlsplit(base)
    done = [0]
    stop = time.time() + DURATION
    lock = threading.Lock()

    keepalive = os.environ.get("BENCH_KEEPALIVE", "1") == "1"

    def worker(n: int):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if not keepalive:
            headers["Connection"] = "close"
        for i in itertools.count():
            if time.time() >= stop:
                conn.close()
                return
            if make_request(conn, headers, n, i):
                with lock:
                    done[0] += 1
            if not keepalive:
                conn.close()
                conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0]


def run() -> None:
    from bench._util import served
    from community_brain.accounts.models import ApiToken, User
    from community_brain.cases.models import Case, Category
    from community_brain.demo import cases as demo_cases
    from community_brain.demo import register
    from community_brain.places.models import Compound

    register.seed()
    demo_cases.seed()
    staff = User.objects.get(username="staff")
    _token, raw = ApiToken.issue(staff, name="bench")
    leaves = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    compounds = list(Compound.objects.values_list("pk", flat=True))
    before = Case.objects.count()

    def create(conn, headers, n, i):
        body = {
            "title": f"压测事项{n}-{i}",
            "category": leaves[(n + i) % len(leaves)],
            "compound": compounds[i % len(compounds)],
            "description": "性能测试",
            "source": "phone",
        }
        conn.request(
            "POST",
            "/api/v1/cases",
            body=json.dumps(body),
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
        )
        response = conn.getresponse()
        response.read()
        return response.status == 201

    def health(conn, headers, n, i):
        conn.request("GET", "/healthz", headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status == 200

    with served(workers=int(os.environ.get("BENCH_WORKERS", "2"))) as base:
        baseline = _load(base, raw, health) / DURATION
        created = _load(base, raw, create) / DURATION
    assert Case.objects.count() - before >= created * DURATION * 0.99
    print(f"BENCH case_create_api {created:.0f} cases/s ratio={created / baseline:.2f}", flush=True)
    print(f"BENCH case_create_api_baseline_healthz {baseline:.0f} req/s", flush=True)
