"""Live events: sent only once the writer commits, heard in this process and — through
Redis, PostgreSQL's NOTIFY or the polled table — from other processes."""

from __future__ import annotations

import json
import os
import time

import pytest
from django.db import connection, transaction

from community_brain.conftest import service_missing
from community_brain.core import live


@pytest.fixture
def backend(settings):
    """Use a given transport for one test, and forget it afterwards."""

    def use(name: str, **extra):
        live.reset_transport()
        settings.LIVE_BACKEND = name
        for key, value in extra.items():
            setattr(settings, key, value)
        return live.transport()

    yield use
    live.reset_transport()


def wait_for(sub, kind: str, seconds: float = 5.0) -> dict | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message = sub.get(timeout=0.2)
        if message is not None and message["kind"] == kind:
            return message
    return None


def test_a_message_waits_for_the_commit(backend, db, django_capture_on_commit_callbacks):
    backend("local")
    with live.subscribe() as sub:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            live.publish("case", {"code": "QC-1"})
        assert sub.get(timeout=0.1) is None  # not committed yet
        for callback in callbacks:
            callback()
        message = sub.get(timeout=1)
    assert message["kind"] == "case" and message["data"] == {"code": "QC-1"}


def test_a_rolled_back_write_announces_nothing(backend, db, django_capture_on_commit_callbacks):
    backend("local")
    with live.subscribe() as sub, django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                live.publish("case", {"code": "QC-2"})
                raise RuntimeError("the write failed")
        except RuntimeError:
            pass
    assert sub.get(timeout=0.2) is None


def test_a_message_too_big_for_notify_is_refused(backend, db):
    backend("local")
    with pytest.raises(ValueError, match="keep it small"):
        live.publish("case", {"text": "长" * 4000})


def test_a_stalled_subscriber_keeps_the_newest(backend, db):
    backend("local")
    with live.subscribe() as sub:
        for n in range(live.QUEUE_SIZE + 5):
            live.hub.deliver({"kind": "n", "data": n})
        first = sub.get(timeout=0.1)
    assert first["data"] == 5  # the five oldest were dropped


def test_an_unknown_backend_is_named(backend, db):
    with pytest.raises(ValueError, match="not 'carrier-pigeon'"):
        backend("carrier-pigeon")


def test_auto_picks_postgres_or_the_table(backend, db):
    chosen = backend("auto", REDIS_URL="")
    expected = "postgres" if connection.vendor == "postgresql" else "database"
    assert chosen.name == expected


@pytest.mark.django_db(transaction=True)
def test_postgres_notify_reaches_another_process(backend):
    if connection.vendor != "postgresql":
        pytest.skip("NOTIFY is PostgreSQL's; the PostgreSQL run covers it")
    import psycopg

    backend("postgres")
    with live.subscribe() as sub:
        assert live._listener.ready.wait(5)
        time.sleep(0.3)  # the listener's LISTEN is in place
        params = connection.get_connection_params()
        other = {k: params[k] for k in ("dbname", "user", "host", "port") if k in params}
        with psycopg.connect(**other, autocommit=True) as conn:  # as another app process would
            body = json.dumps({"kind": "alarm", "data": {"id": 7}, "at": ""})
            conn.execute("SELECT pg_notify(%s, %s)", [live.CHANNEL, body])
        message = wait_for(sub, "alarm")
    assert message is not None and message["data"] == {"id": 7}


@pytest.mark.django_db(transaction=True)
def test_the_polled_table_reaches_another_process(backend):
    if connection.vendor != "postgresql":
        pytest.skip("threads share SQLite's in-memory test database; the PostgreSQL run covers it")
    from community_brain.core.models import LiveMessage

    backend("database")
    with live.subscribe() as sub:
        assert live._listener.ready.wait(5)
        time.sleep(0.8)  # the listener has read where the table ends
        LiveMessage.objects.create(body=json.dumps({"kind": "case", "data": {"code": "X"}}))
        message = wait_for(sub, "case")
    assert message is not None and message["data"] == {"code": "X"}


def test_redis_reaches_another_process(backend, db):
    import redis

    url = os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        service_missing(f"Redis at {url}")
    backend("redis", REDIS_URL=url)
    with live.subscribe() as sub:
        assert live._listener.ready.wait(5)
        time.sleep(0.3)
        body = json.dumps({"kind": "alarm", "data": {"id": 9}, "at": ""})
        redis.Redis.from_url(url).publish(live.CHANNEL, body)  # as another process would
        message = wait_for(sub, "alarm")
    assert message is not None and message["data"] == {"id": 9}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["local", "database", "postgres", "redis"])
def test_messages_published_together_arrive_one_by_one_in_order(backend, name):
    import redis

    extra = {}
    if name in {"database", "postgres"} and connection.vendor != "postgresql":
        pytest.skip("threads share SQLite's in-memory test database; the PostgreSQL run covers it")
    if name == "redis":
        extra["REDIS_URL"] = os.environ.get("REDIS_URL_TEST", "redis://127.0.0.1:6379/15")
        try:
            redis.Redis.from_url(extra["REDIS_URL"], socket_connect_timeout=1).ping()
        except redis.RedisError:
            service_missing(f"Redis at {extra['REDIS_URL']}")
    backend(name, **extra)
    with live.subscribe() as sub:
        assert live._listener.ready.wait(5)
        time.sleep(0.8)  # the listener is in place and has read where the table ends
        with transaction.atomic():
            live.publish_many("batch", [{"n": n} for n in range(3)])
            assert sub.get(timeout=0.3) is None  # nothing before the commit
        got = [wait_for(sub, "batch") for _ in range(3)]
    assert [m["data"]["n"] for m in got if m] == [0, 1, 2]
