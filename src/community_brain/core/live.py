"""Live events for pages that must change without a reload (the big screen): a new alarm, a
new case, a case that moved.

``publish(kind, data)`` is called inside the writer's transaction and sends after it commits,
so a screen never shows what rolled back. ``subscribe()`` gives a queue of what is published
from then on, in this process and — through a shared transport — in every other one:

- ``redis`` (``LIVE_BACKEND=redis``, or ``auto`` with ``REDIS_URL`` set): Redis pub/sub;
- ``postgres`` (``auto`` on PostgreSQL): ``NOTIFY``/``LISTEN`` on the database itself, so a
  deployment of several app processes needs nothing more;
- ``database`` (``auto`` otherwise, e.g. SQLite — the embedded default): a table that every
  process polls twice a second, so the web server also hears the ingest and the worker;
- ``local``: this process only (tests, a single process).

Each process runs one listener thread for the shared transport and fans messages out to its
subscribers. A message is a small JSON object: ``{"kind": ..., "data": {...}, "at": ...}``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import threading
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

CHANNEL = "brain_live"
MAX_BYTES = 7000  # PostgreSQL's NOTIFY payload limit is 8000
QUEUE_SIZE = 200  # a subscriber that falls this far behind loses the oldest messages


class Subscription:
    def __init__(self, hub: _Hub):
        self._hub = hub
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_SIZE)

    def get(self, timeout: float) -> dict | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def put(self, message: dict) -> None:
        while True:
            try:
                self._queue.put_nowait(message)
                return
            except queue.Full:  # a stalled page: drop its oldest, keep the newest
                with contextlib.suppress(queue.Empty):
                    self._queue.get_nowait()

    def close(self) -> None:
        self._hub.remove(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Hub:
    """This process's subscribers."""

    def __init__(self):
        self._lock = threading.Lock()
        self._subscribers: set[Subscription] = set()

    def add(self) -> Subscription:
        sub = Subscription(self)
        with self._lock:
            self._subscribers.add(sub)
        return sub

    def remove(self, sub: Subscription) -> None:
        with self._lock:
            self._subscribers.discard(sub)

    def deliver(self, message: dict) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for sub in subscribers:
            sub.put(message)

    def __len__(self) -> int:
        return len(self._subscribers)


hub = _Hub()


# --- transports ----------------------------------------------------------------------------
class LocalTransport:
    name = "local"

    def send(self, *raws: str) -> None:
        for raw in raws:
            hub.deliver(json.loads(raw))

    def listen(self, stop: threading.Event) -> None:  # nothing to listen to
        stop.wait()


class DatabaseTransport:
    """A row per message in ``LiveMessage``; listeners poll for rows newer than the last they
    saw. Rows older than ``KEEP`` are deleted by the listener that sees them."""

    name = "database"
    POLL = 0.5
    KEEP = timedelta(minutes=10)

    def send(self, *raws: str) -> None:
        from community_brain.core.models import LiveMessage

        LiveMessage.objects.bulk_create([LiveMessage(body=raw) for raw in raws])

    def listen(self, stop: threading.Event) -> None:
        from community_brain.core.models import LiveMessage

        try:
            last = LiveMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
            purged = time.monotonic()
            while not stop.wait(self.POLL):
                rows = list(
                    LiveMessage.objects.filter(id__gt=last).order_by("id").values_list("id", "body")
                )
                for pk, body in rows:
                    last = pk
                    _arrived(body)
                if time.monotonic() - purged > 60:
                    LiveMessage.objects.filter(at__lt=timezone.now() - self.KEEP).delete()
                    purged = time.monotonic()
        finally:
            connection.close()  # this thread's own


class PostgresTransport:
    """``NOTIFY`` through the default connection; ``LISTEN`` on a connection of its own."""

    name = "postgres"

    def send(self, *raws: str) -> None:
        calls = ", ".join(["pg_notify(%s, %s)"] * len(raws))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {calls}", [v for raw in raws for v in (CHANNEL, raw)])

    def listen(self, stop: threading.Event) -> None:
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("prepare_threshold", None)
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            while not stop.is_set():
                for note in conn.notifies(timeout=1.0):
                    _arrived(note.payload)


class RedisTransport:
    name = "redis"

    def __init__(self, url: str):
        import redis

        self._url = url
        self._client = redis.Redis.from_url(url)

    def send(self, *raws: str) -> None:
        pipe = self._client.pipeline(transaction=False)
        for raw in raws:
            pipe.publish(CHANNEL, raw)
        pipe.execute()

    def listen(self, stop: threading.Event) -> None:
        import redis

        client = redis.Redis.from_url(self._url)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(CHANNEL)
        try:
            while not stop.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message and message.get("type") == "message":
                    _arrived(message["data"].decode())
        finally:
            pubsub.close()
            client.close()


def _arrived(raw: str) -> None:
    try:
        hub.deliver(json.loads(raw))
    except ValueError:
        logger.warning("live: dropped a message that is not JSON")


_transport_lock = threading.Lock()
_transport = None


def transport():
    """The transport this process uses, chosen once from ``LIVE_BACKEND``."""
    global _transport
    if _transport is None:
        with _transport_lock:
            if _transport is None:
                _transport = _choose()
    return _transport


def _choose():
    backend = settings.LIVE_BACKEND
    if backend == "auto":
        if settings.REDIS_URL:
            backend = "redis"
        elif connection.vendor == "postgresql":
            backend = "postgres"
        else:
            backend = "database"
    if backend == "redis":
        if not settings.REDIS_URL:
            raise ValueError("LIVE_BACKEND=redis needs REDIS_URL")
        return RedisTransport(settings.REDIS_URL)
    if backend == "postgres":
        return PostgresTransport()
    if backend == "database":
        return DatabaseTransport()
    if backend == "local":
        return LocalTransport()
    raise ValueError(f"LIVE_BACKEND: use auto, database, local, postgres or redis, not {backend!r}")


def reset_transport() -> None:
    """Forget the chosen transport and stop its listener (tests switch backends)."""
    global _transport
    _listener.stop()
    _transport = None


# --- the listener thread -------------------------------------------------------------------
class _Listener:
    def __init__(self):
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.ready = threading.Event()

    def ensure(self) -> None:
        t = transport()
        if isinstance(t, LocalTransport):
            self.ready.set()
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop = threading.Event()
            self.ready.clear()
            self._thread = threading.Thread(
                target=self._run, args=(t, self._stop), name="live-listener", daemon=True
            )
            self._thread.start()

    def _run(self, t, stop: threading.Event) -> None:
        delay = 0.5
        while not stop.is_set():
            try:
                self.ready.set()
                t.listen(stop)
                delay = 0.5
            except Exception:
                logger.warning("live: the %s listener failed; retrying", t.name, exc_info=True)
                time.sleep(delay)
                delay = min(delay * 2, 10)

    def stop(self) -> None:
        with self._lock:
            self._stop.set()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._thread = None


_listener = _Listener()


# --- the API ---------------------------------------------------------------------------------
def subscribe() -> Subscription:
    """A queue of every message published from now on (``with live.subscribe() as sub``)."""
    _listener.ensure()
    return hub.add()


def publish(kind: str, data: dict) -> None:
    """Send ``{"kind", "data", "at"}`` to every subscriber once the current transaction
    commits (at once outside a transaction). A transport that is down costs the message,
    never the write: the screens also refresh on a timer."""
    publish_many(kind, [data])


def publish_many(kind: str, items: list[dict]) -> None:
    """``publish`` for many messages of one kind, sent together (one statement or one
    round trip, whatever the transport)."""
    at = timezone.now().isoformat()
    raws = []
    for data in items:
        message = {"kind": kind, "data": data, "at": at}
        raw = json.dumps(message, cls=DjangoJSONEncoder, ensure_ascii=False)
        if len(raw.encode()) > MAX_BYTES:
            raise ValueError(f"live message {kind!r} is {len(raw.encode())} bytes; keep it small")
        raws.append(raw)
    if raws:
        transaction.on_commit(partial(_send, raws), robust=True)


def _send(raws: list[str]) -> None:
    try:
        transport().send(*raws)
    except Exception:
        logger.warning("live: could not publish", exc_info=True)
