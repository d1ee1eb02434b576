"""BENCH ledger_page_p95_1m: the p95 time of a filtered ledger page (the whole view: scoped
queryset, filters, sorting, a capped count, rendering) over 1,000,000 cases, for a community
staff member, across a mix of the filters people use. 1,000,000 cases are generated in the
database by one INSERT … SELECT (not through the services, which would take hours)."""

from __future__ import annotations

import time

N = 1_000_000
REQUESTS = 200


def _fill(n: int, first: int = 1) -> None:
    from django.db import connection

    from community_brain.cases.models import Case, Category
    from community_brain.places.models import Community, Compound

    community = Community.objects.get(code="QC")
    compounds = list(Compound.objects.values_list("pk", flat=True))
    cats = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    pg = connection.vendor == "postgresql"
    table = Case._meta.db_table
    special = {
        "code": "'B-' || s",
        "community_id": str(community.pk),
        "title": "'生成的事项 ' || s",
        "category_id": f"(ARRAY{cats})[1 + s % {len(cats)}]"
        if pg
        else f"(SELECT id FROM cases_category WHERE parent_id IS NOT NULL ORDER BY id LIMIT 1 "
        f"OFFSET s % {len(cats)})",
        "compound_id": f"(ARRAY{compounds})[1 + s % {len(compounds)}]"
        if pg
        else f"{compounds[0]} + s % {len(compounds)}",
        "source": "'resident_page'",
        "request_type": "CASE WHEN s % 4 = 0 THEN 'complaint' ELSE 'help' END",
        "priority": "'normal'",
        "status": "CASE s % 9 WHEN 0 THEN 'reported' WHEN 1 THEN 'assigned' WHEN 2 THEN "
        "'in_progress' WHEN 3 THEN 'resolved' ELSE 'closed' END",
        "reported_at": "now() - (s || ' minutes')::interval"
        if pg
        else "datetime('now', '-' || s || ' minutes')",
        "resolve_by": "now() - (s || ' minutes')::interval + interval '5 days'"
        if pg
        else "datetime('now', '-' || s || ' minutes', '+5 days')",
        "is_overdue": "(s % 50 = 0)",
        "created_at": "now()" if pg else "datetime('now')",
        "updated_at": "now()" if pg else "datetime('now')",
    }
    columns, values = [], []
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.name in special or field.column in special:
            values.append(special.get(field.name) or special[field.column])
        elif field.null:
            values.append("NULL")
        elif field.get_internal_type() in {"BooleanField"}:
            values.append("false" if pg else "0")
        elif field.get_internal_type().endswith("IntegerField"):
            values.append("0")
        else:
            values.append("''")
    cols = ", ".join(f'"{c}"' for c in columns)
    vals = ", ".join(values)
    with connection.cursor() as cursor:
        if pg:
            cursor.execute(
                f"INSERT INTO {table} ({cols}) SELECT {vals} "
                f"FROM generate_series({first}, {first + n - 1}) AS s"
            )

        else:
            cursor.execute(
                f"WITH RECURSIVE g(s) AS (SELECT {first} UNION ALL SELECT s + 1 FROM g "
                f"WHERE s < {first + n - 1}) INSERT INTO {table} ({cols}) SELECT {vals} FROM g"
            )
            cursor.execute("ANALYZE")
    if pg:  # as autovacuum would soon: statistics, and the visibility map for index-only scans
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")


def run() -> None:
    from django.test import Client

    from bench._util import percentile
    from community_brain.accounts.models import User
    from community_brain.cases.models import Case, Category
    from community_brain.demo import cases as demo_cases
    from community_brain.demo import register
    from community_brain.places.models import Compound

    register.seed()
    demo_cases.seed()
    client = Client()
    client.force_login(User.objects.get(username="staff"))
    compound = Compound.objects.first().pk
    category = Category.objects.filter(parent__isnull=True).first().pk
    mix = [
        "",
        "?status=open",
        f"?compound={compound}",
        f"?category={category}",
        "?overdue=1",
        "?status=closed&sort=deadline",
        f"?compound={compound}&status=open",
        "?since=2026-01-01&until=2026-03-31",
        "?source=resident_page&page=3",
        "?request_type=complaint",
        "?sort=-deadline&page=2",
    ]

    def p95(requests: int) -> tuple[float, float]:
        for query in mix:  # warm up
            assert client.get(f"/cases/{query}").status_code == 200
        times = []
        for i in range(requests):
            t = time.perf_counter()
            response = client.get(f"/cases/{mix[i % len(mix)]}")
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        return percentile(times, 95), percentile(times, 50)

    # Baseline: the same pages over a ledger of 5,000 cases.
    _fill(5_000)
    baseline, _ = p95(REQUESTS // 2)
    started = time.perf_counter()
    _fill(N - 5_000, first=5_001)
    print(
        f"# generated {Case.objects.count()} cases in {time.perf_counter() - started:.0f}s",
        flush=True,
    )
    slow, median = p95(REQUESTS)
    print(f"BENCH ledger_page_p95_1m {slow:.1f} ms ratio={slow / baseline:.2f}", flush=True)
    print(f"BENCH ledger_page_median_1m {median:.1f} ms", flush=True)
    print(f"BENCH ledger_page_p95_5k_baseline {baseline:.1f} ms", flush=True)
