"""The writing half of ``brain ingest``: parse a batch of raw messages, store the good ones
and count the refused ones in one transaction, then say which may be acknowledged.

A bad batch must not poison the stream: when storing fails for a reason that lies in the
data (not a lost connection), the batch is split in halves and retried until the culprit is
alone; it is then counted as refused and the rest is stored. When the database is
unreachable nothing is acknowledged: the caller waits and tries the whole batch again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import InterfaceError, OperationalError, transaction

from community_brain.devices.choices import RejectReason
from community_brain.devices.ingest.devices import DeviceCache, default_cache
from community_brain.devices.ingest.parse import Rejected, parse
from community_brain.devices.ingest.store import count_rejects, store
from community_brain.devices.messages import Status

logger = logging.getLogger(__name__)

TOPIC_PREFIX = "cb/v1/"

# Errors that say "the database is not there right now", not "this data is wrong".
UNAVAILABLE = (OperationalError, InterfaceError)


@dataclass
class Counts:
    received: int = 0
    stored: int = 0  # accepted and written (duplicates included)
    duplicates: int = 0
    rejected: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)

    def add(self, other: Counts) -> None:
        self.received += other.received
        self.stored += other.stored
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        for reason, n in other.by_reason.items():
            self.by_reason[reason] = self.by_reason.get(reason, 0) + n


def split_topic(topic: str) -> tuple[str, str]:
    """(device code, kind) of ``cb/v1/<code>/<kind>``; ("", "") when it is not one."""
    if not topic.startswith(TOPIC_PREFIX):
        return "", ""
    code, _, kind = topic[len(TOPIC_PREFIX) :].partition("/")
    return code, kind


class Batcher:
    def __init__(self, devices: DeviceCache | None = None):
        self.devices = devices or default_cache

    def handle(self, batch: list[tuple[str, bytes]]) -> Counts:
        """Store a batch of (topic, payload); returns what became of it. Raises only when
        the database is unavailable (then nothing of the batch was written)."""
        now = datetime.now(UTC)
        items = [(*split_topic(topic), payload) for topic, payload in batch]
        self.devices.load({code for code, _, _ in items})
        good, rejects = [], []
        for code, kind, payload in items:
            try:
                good.append(
                    (code, payload, parse(kind, code, payload, devices=self.devices, now=now))
                )
            except Rejected as refusal:
                rejects.append((code, refusal, payload))
        counts = Counts(received=len(batch))
        self._write(good, rejects, counts)
        return counts

    def _write(self, good: list, rejects: list, counts: Counts) -> None:
        try:
            with transaction.atomic():
                new = store([m for _, _, m in good])
                count_rejects(rejects)
        except UNAVAILABLE:
            raise
        except Exception as exc:
            if len(good) > 1:
                half = len(good) // 2
                self._write(good[:half], rejects, counts)
                self._write(good[half:], [], counts)
                return
            logger.warning("ingest: a message the database refused: %s", exc)
            culprit = [
                (code, Rejected(RejectReason.BAD_VALUE, f"not storable: {exc}"), payload)
                for code, payload, _ in good
            ]
            try:
                with transaction.atomic():
                    count_rejects(rejects + culprit)
            except UNAVAILABLE:
                raise
            except Exception:  # counting must not stop the stream either
                logger.exception("ingest: could not count refused messages")
            self._count_rejects(rejects + culprit, counts)
            return
        self._count_rejects(rejects, counts)
        # each message stored yields at most one new message (a status change aside)
        facts = sum(1 for _, _, m in good if not isinstance(m, Status))
        counts.stored += len(good)
        counts.duplicates += facts - sum(1 for m in new if not isinstance(m, Status))

    @staticmethod
    def _count_rejects(rejects: list, counts: Counts) -> None:
        counts.rejected += len(rejects)
        for _, refusal, _ in rejects:
            counts.by_reason[refusal.reason] = counts.by_reason.get(refusal.reason, 0) + 1
