"""BENCH ingest_mqtt: sustained device messages through broker → ``brain ingest`` (a real
subprocess: validation, idempotent store, rules) → PostgreSQL.

Both runs drain the same backlog: N QoS 1 telemetry messages (~60 bytes, two values each)
are first published into a private Mosquitto (lossless configuration) for a persistent
session that is offline, so the load generator does not share the two cores while the
consumer is timed (one Python publisher manages only ≈ 6,000 msg/s). The consumer is then
started and timed from its first committed row to its last, by counting rows.

Baseline, in the same run: a bare paho subscriber in its own process (auto-acknowledged
QoS 1, ``json.loads``, no validation) that ``COPY``s the same rows into an unindexed table
in batches of 4,000 rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

N = int(os.environ.get("BENCH_INGEST_MESSAGES", "100000"))
DEVICES = 200


def _devices():
    from community_brain.devices.models import Device, DeviceType, Rule
    from community_brain.places.models import Community, Compound

    community, _ = Community.objects.get_or_create(code="BENCH", defaults={"name": "基准社区"})
    compound, _ = Compound.objects.get_or_create(
        code="BENCH-1", defaults={"community": community, "name": "基准小区"}
    )
    kind, _ = DeviceType.objects.get_or_create(
        code="bench-level",
        defaults={
            "name": "水位计",
            "keys": {
                "level": {"label": "水位", "unit": "m", "min": 0, "max": 10},
                "temp": {"label": "温度", "unit": "°C", "min": -40, "max": 125},
            },
            "events": ["tamper"],
        },
    )
    Rule.objects.get_or_create(
        name="bench: water level high",
        defaults={
            "device_type": kind,
            "trigger": "threshold",
            "key": "level",
            "operator": "gt",
            "threshold": 9.5,
            "alarm_type": "water_level_high",
            "open_case": False,
            "notify_on_call": False,
        },
    )
    for i in range(DEVICES):
        Device.objects.get_or_create(
            code=f"BL-{i:04d}", defaults={"name": f"水位计 {i}", "type": kind, "compound": compound}
        )


def _messages(base_ms: int):
    for i in range(N):
        body = {"ts": base_ms + i // DEVICES, "values": {"level": (i % 90) / 10, "temp": 21.5}}
        yield f"cb/v1/BL-{i % DEVICES:04d}/telemetry", json.dumps(body, separators=(",", ":"))


def _prepare_session(url: str, client_id: str) -> None:
    """Make the broker keep messages for ``client_id`` while it is not connected."""
    import paho.mqtt.client as mqtt

    from community_brain.devices.ingest.mqtt import broker_address, subscriptions

    a = broker_address(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False)
    client.connect(a.host, a.port)
    client.loop_start()
    client.subscribe(subscriptions(None))
    time.sleep(0.5)
    client.disconnect()
    client.loop_stop()


def _publish(url: str, base_ms: int) -> float:
    from community_brain.devices.ingest.publish import Publisher

    started = time.perf_counter()
    with Publisher(url) as publisher:
        publisher.publish_many(_messages(base_ms))
    return N / (time.perf_counter() - started)


def _timed_drain(count_rows, proc, rows_expected: int, timeout: float = 600) -> float:
    """Messages per second between the first and the last committed rows."""
    deadline = time.monotonic() + timeout
    first_rows = first_at = None
    while True:
        rows = count_rows()
        now = time.perf_counter()
        if rows and first_at is None:
            first_rows, first_at = rows, now
        if rows >= rows_expected:
            break
        if proc.poll() is not None:
            raise RuntimeError(f"the consumer exited early ({proc.returncode}) at {rows} rows")
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {rows} of {rows_expected} rows after {timeout}s")
        time.sleep(0.05)
    return (rows - first_rows) / 2 / max(now - first_at, 1e-6)


def _database_url() -> str:
    return os.environ["DATABASE_URL"]


def run() -> None:
    from django.db import connection

    from community_brain.devices.ingest.broker import mosquitto_binary, private_broker
    from community_brain.devices.models import Telemetry

    if not mosquitto_binary():
        print("# ingest_mqtt skipped: mosquitto is not installed", flush=True)
        return
    if connection.vendor != "postgresql":
        print("# ingest_mqtt skipped: it measures PostgreSQL (set DATABASE_URL)", flush=True)
        return
    _devices()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_ingest_baseline")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_ingest_baseline "
            "(device text, key text, ts bigint, value float8)"
        )

    def rows_in(table):
        def count():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM {table}")
                return cursor.fetchone()[0]

        return count

    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    with private_broker() as url:
        env["MQTT_URL"] = url
        # the baseline
        base_ms = int((datetime.now(UTC) - timedelta(hours=2)).timestamp() * 1000)
        _prepare_session(url, "bench-baseline")
        publish_rate = _publish(url, base_ms)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.ingest_mqtt", "baseline", url, _database_url()], env=env
        )
        try:
            baseline = _timed_drain(rows_in("bench_ingest_baseline"), proc, 2 * N)
        finally:
            proc.terminate()
            proc.wait(30)
        # brain ingest, on the same backlog shape (new timestamps: nothing is a duplicate)
        base_ms += N
        Telemetry.objects.all().delete()
        _prepare_session(url, "bench-ingest")
        _publish(url, base_ms)
        proc = subprocess.Popen(
            [sys.executable, "-m", "community_brain.cli", "ingest", "--client-id", "bench-ingest"],
            env=env,
        )
        try:
            rate = _timed_drain(rows_in(Telemetry._meta.db_table), proc, 2 * N)
        finally:
            proc.terminate()
            proc.wait(60)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_ingest_baseline")
    print(
        f"# ingest_mqtt: {N} QoS 1 messages × 2 values, {DEVICES} devices, drained from a "
        f"backlog; broker, consumer and PostgreSQL on {os.cpu_count()} cores; "
        f"publisher alone: {publish_rate:.0f} msg/s",
        flush=True,
    )
    print(f"BENCH ingest_mqtt {rate:.0f} msg/s ratio={rate / baseline:.2f}", flush=True)
    print(f"BENCH ingest_mqtt_baseline {baseline:.0f} msg/s", flush=True)


def baseline_subscriber(url: str, dsn: str) -> None:
    """The bare receive-and-copy consumer (run as a process of its own)."""
    from urllib.parse import urlsplit

    import paho.mqtt.client as mqtt
    import psycopg

    a = urlsplit(url)
    conn = psycopg.connect(dsn, autocommit=True)
    rows: list[tuple] = []

    def flush():
        with (
            conn.cursor() as cursor,
            cursor.copy("COPY bench_ingest_baseline (device, key, ts, value) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        rows.clear()

    def on_message(client, userdata, message):
        body = json.loads(message.payload)
        device = message.topic.split("/")[2]
        for key, value in body["values"].items():
            rows.append((device, key, body["ts"], value))
        if len(rows) >= 4000:
            flush()

    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2, client_id="bench-baseline", clean_session=False
    )
    client.on_message = on_message
    client.connect(a.hostname, a.port)
    client.loop_start()
    try:
        while True:
            time.sleep(0.2)
            if rows and client.is_connected():
                with client._in_callback_mutex:  # not while on_message is adding rows
                    flush()
    finally:
        client.loop_stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["baseline"]:
        baseline_subscriber(sys.argv[2], sys.argv[3])
