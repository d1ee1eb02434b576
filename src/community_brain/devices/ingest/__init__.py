"""Ingest: device messages in (MQTT, HTTP, simulator), validated, stored once, handed to the
rules. ``docs/ingest.md`` describes the topics, payloads, reject reasons and the broker set-up.

Interface:
- ``parse.parse(kind, device_code, payload: bytes, *, now) -> messages.Message`` — raises
  ``parse.Rejected(reason, detail)``; ``kind`` is ``telemetry``, ``event`` or ``status``.
- ``store.store(messages) -> list[Message]`` — writes a batch idempotently in one transaction
  and returns those that were new; ``engine.process`` is called with them.
- ``store.count_rejects(rejects)`` — adds refused messages to ``IngestReject``.
- ``accept_one(kind, device_code, payload) -> Message`` — the HTTP endpoint's path: parse,
  store, process; raises ``parse.Rejected``.

The MQTT subscriber (``brain ingest``) is ``mqtt.py``; its batching writer ``batcher.py``;
downsampling and purge of old telemetry ``retention.py``.
"""

from __future__ import annotations


def accept_one(kind: str, device_code: str, payload: bytes):
    """Parse, store and hand to the rules one message; raises ``parse.Rejected`` (after
    counting it) when it is refused."""
    from community_brain.devices.ingest.store import accept_one as _accept_one

    return _accept_one(kind, device_code, payload)
