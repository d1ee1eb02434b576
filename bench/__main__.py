"""Run every benchmark (or those named on the command line): python -m bench [name ...]."""

import importlib
import os
import sys
import time
from pathlib import Path

BENCHMARKS = [
    "import_residents",
    "cases_api",
    "ledger_page",
    "notify_webhook",
    "ingest_mqtt",
    "screen_refresh",
    "catalogue_diff",
    "face",
]


def _bench_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _, name = url.rpartition("/")
        bench_name = f"{name or 'community_brain'}_bench"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
            conn.execute(f'CREATE DATABASE "{bench_name}"')
        return f"{base}/{bench_name}"
    path = Path(__file__).resolve().parent.parent / "var" / "bench.sqlite3"
    path.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def main() -> None:
    os.environ["DATABASE_URL"] = _bench_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community_brain.config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    print(
        f"# database: {connection.vendor} ({os.environ['DATABASE_URL'].split('@')[-1]}); "
        f"cores: {os.cpu_count()}",
        flush=True,
    )
    names = sys.argv[1:] or BENCHMARKS
    for name in names:
        started = time.perf_counter()
        importlib.import_module(f"bench.{name}").run()
        print(f"# {name} took {time.perf_counter() - started:.1f}s", flush=True)


if __name__ == "__main__":
    main()
