"""Ingest: device messages in (MQTT, HTTP, simulator), validated, stored once, handed to the
rules. (Being written.)

Interface:
- ``parse.parse(kind, device_code, payload: bytes, *, now) -> messages.Message`` — raises
  ``parse.Rejected(reason, detail)``; ``kind`` is ``telemetry``, ``event`` or ``status``.
- ``store.store(messages) -> list[Message]`` — writes a batch idempotently in one transaction
  and returns those that were new; ``engine.process`` is called with them.
- ``store.count_rejects(rejects)`` — adds refused messages to ``IngestReject``.
- ``accept_one(kind, device_code, payload) -> Message`` — the HTTP endpoint's path: parse,
  store, process; raises ``parse.Rejected``.
"""
