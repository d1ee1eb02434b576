"""``brain ingest``'s subscriber: MQTT in, batches out, acknowledgements only after commit.

paho's network thread puts each message on a bounded queue (when it is full the thread
waits, the socket fills and the broker keeps the rest: back-pressure). One writer thread
takes up to ``batch_size`` messages or waits ``batch_ms``, stores them through
``Batcher`` and, once the transaction has committed, acknowledges them
(``manual_ack=True``). The session is persistent (``clean_session=False`` and a stable client
id), so whatever was not acknowledged — a ``kill -9``, a crash, a lost connection — is
delivered again, and the idempotent store keeps it once.
"""

from __future__ import annotations

import logging
import queue
import struct
import threading
import time

import paho.mqtt.client as mqtt
from django.db import close_old_connections, connections

from community_brain.devices.ingest.address import (  # noqa: F401 - re-exported
    BrokerAddress,
    broker_address,
    default_client_id,
    subscriptions,
)
from community_brain.devices.ingest.batcher import UNAVAILABLE, Batcher, Counts

logger = logging.getLogger("community_brain.devices.ingest")


PUBACK = 0x40


def acknowledge(client: mqtt.Client, batch: list) -> None:
    """Acknowledge a committed batch's QoS 1 messages with one write. paho's ``ack`` queues a
    4-byte packet, wakes its network thread and sends it with a syscall of its own: per
    message, that cost as much as parsing and storing it. The same PUBACK packets, joined,
    are queued once (through paho's packet queue, pinned to paho 2.x)."""
    mids = [mid for _, _, mid, qos in batch if qos == 1]
    queue_packet = getattr(client, "_packet_queue", None)
    if queue_packet is None or client.protocol != mqtt.MQTTv311:
        for mid in mids:
            client.ack(mid, 1)
    elif mids:
        queue_packet(PUBACK, b"".join(struct.pack("!BBH", PUBACK, 2, mid) for mid in mids), 0, 1)
    for _, _, mid, qos in batch:
        if qos == 2:
            client.ack(mid, 2)


RETRY_FIRST_SECONDS = 0.5  # then doubling, up to 30 s


class Ingest:
    def __init__(
        self,
        url: str,
        *,
        client_id: str | None = None,
        shared: str | None = None,
        batch_size: int = 2000,
        batch_ms: int = 200,
        queue_size: int = 20000,
        report_seconds: float = 10.0,
    ):
        self.address = broker_address(url)
        self.client_id = client_id or default_client_id()
        self.shared = shared
        self.batch_size = batch_size
        self.batch_wait = batch_ms / 1000
        self.report_seconds = report_seconds
        self.queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self.stopping = threading.Event()
        self.ready = threading.Event()  # the broker has acknowledged the subscriptions
        self.counts = Counts()
        self._counts_lock = threading.Lock()
        self.batcher = Batcher()
        self.client = self._client()
        self.writer = threading.Thread(target=self._write_loop, name="ingest-writer")

    def _client(self) -> mqtt.Client:
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            clean_session=False,
            protocol=mqtt.MQTTv311,
            manual_ack=True,
        )
        if self.address.username:
            client.username_pw_set(self.address.username, self.address.password)
        if self.address.tls:
            client.tls_set()
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = lambda *args: self.ready.set()
        return client

    # --- paho's network thread -------------------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            logger.error("ingest: the broker refused the connection: %s", reason_code)
            return
        # Subscribe even when the broker kept the session: a process killed between CONNECT
        # and SUBSCRIBE leaves a session without subscriptions. The cost is that the devices'
        # retained status messages are delivered again, which restates their current state.
        client.subscribe(subscriptions(self.shared))
        logger.info(
            "ingest: connected as %s (session %s), subscribing to %s",
            self.client_id,
            "resumed" if flags.session_present else "new",
            ", ".join(t for t, _ in subscriptions(self.shared)),
        )

    def _on_disconnect(self, client, userdata, flags, reason_code, properties):
        if not self.stopping.is_set():
            logger.warning("ingest: disconnected (%s); reconnecting", reason_code)

    def _on_message(self, client, userdata, message):
        item = (message.topic, message.payload, message.mid, message.qos)
        while not self.stopping.is_set():
            try:
                self.queue.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        # Stopping: the message is not acknowledged, so the broker delivers it again.

    # --- the writer thread -----------------------------------------------------------------
    def _take(self) -> list:
        try:
            batch = [self.queue.get(timeout=0.2)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + self.batch_wait
        while len(batch) < self.batch_size:
            try:
                batch.append(self.queue.get_nowait())
                continue
            except queue.Empty:
                pass
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                batch.append(self.queue.get(timeout=remaining))
            except queue.Empty:
                break
        return batch

    def _write_loop(self) -> None:
        try:
            while True:
                batch = self._take()
                if not batch:
                    if self.stopping.is_set():
                        return
                    continue
                if not self._commit(batch):
                    return  # stopping while the database is away: nothing acknowledged
                acknowledge(self.client, batch)
        finally:
            connections.close_all()

    def _commit(self, batch: list) -> bool:
        delay = RETRY_FIRST_SECONDS
        while True:
            try:
                counts = self.batcher.handle([(topic, payload) for topic, payload, _, _ in batch])
            except UNAVAILABLE as exc:
                logger.error("ingest: database unavailable (%s); retrying in %.1fs", exc, delay)
                close_old_connections()
                for conn in connections.all():
                    conn.close_if_unusable_or_obsolete()
                    conn.close()
                if self.stopping.wait(delay):
                    return False
                delay = min(delay * 2, 30)
                continue
            with self._counts_lock:
                self.counts.add(counts)
            return True

    # --- the main thread -------------------------------------------------------------------
    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        a = self.address
        logger.info("ingest: connecting to %s:%s as %s", a.host, a.port, self.client_id)
        self.client.connect_async(a.host, a.port, keepalive=60)
        self.client.loop_start()
        self.writer.start()
        try:
            last, then = Counts(), time.monotonic()
            while not self.stopping.wait(self.report_seconds):
                last, then = self._report(last, then)
        finally:
            self.stopping.set()
            self.writer.join()  # drains what was received: stored, then acknowledged
            self.client.disconnect()  # sent after the acknowledgements already queued
            self.client.loop_stop()
            self._report(Counts(), then, final=True)

    def _report(self, last: Counts, then: float, *, final: bool = False):
        now = time.monotonic()
        with self._counts_lock:
            c = Counts()
            c.add(self.counts)
        if final:
            logger.info(
                "ingest: stopped; %d received, %d stored (%d duplicates), %d refused %s",
                c.received,
                c.stored,
                c.duplicates,
                c.rejected,
                c.by_reason or "",
            )
            return c, now
        span = max(now - then, 1e-6)
        logger.info(
            "ingest: %.0f msg/s received, %.0f stored, %.0f duplicates, %.0f refused per second;"
            " queue %d",
            (c.received - last.received) / span,
            (c.stored - last.stored) / span,
            (c.duplicates - last.duplicates) / span,
            (c.rejected - last.rejected) / span,
            self.queue.qsize(),
        )
        return c, now
