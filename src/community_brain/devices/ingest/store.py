"""Write a batch of parsed messages once, in one transaction, and hand the new ones to the
rules engine inside it.

Idempotent by the database's unique constraints: telemetry is inserted with ``ON CONFLICT DO
NOTHING … RETURNING``, so a redelivered message stores nothing and is not passed on. On
PostgreSQL a batch is one statement over binary arrays (``unnest``): measured 20 % faster
than text arrays and as fast as ``COPY`` into a temporary table then ``INSERT … SELECT``.
Each device's ``last_seen``, ``online``, ``battery`` and ``firmware`` are updated once per
batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from community_brain.devices import engine
from community_brain.devices.ingest.parse import DeviceReading, Rejected, parse
from community_brain.devices.messages import Event, Message, Reading, Status
from community_brain.devices.models import Device, DeviceEvent, IngestReject, Telemetry

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MS = timedelta(milliseconds=1)
SQLITE_ROWS_PER_STATEMENT = 200


def store(messages: list[Message]) -> list[Message]:
    """Store the batch; returns the messages that were new (readings with only their new
    values, events not seen before, and a Status for every device whose online state
    changed), after ``engine.process`` has seen them in the same transaction."""
    if not messages:
        return []
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        readings = [m for m in messages if isinstance(m, Reading)]
        events = [m for m in messages if isinstance(m, Event)]
        new_points = _insert_telemetry(readings) if readings else set()
        new_events = _insert_events(events, now) if events else set()
        changes = _update_devices(messages, now)
        new: list[Message] = []
        for m in messages:  # set.discard: a message repeated within the batch is new once
            if isinstance(m, Reading):
                ms = (m.ts - EPOCH) // ONE_MS
                values = {}
                for k, v in m.values.items():
                    point = (m.device_id, k, ms)
                    if point in new_points:
                        new_points.discard(point)
                        values[k] = v
                if values:
                    new.append(m if len(values) == len(m.values) else _with(m, values))
            elif isinstance(m, Event) and (m.device_id, m.event_id) in new_events:
                new_events.discard((m.device_id, m.event_id))
                new.append(m)
        new.extend(changes)
        engine.process(new)
    return new


def _with(reading: Reading, values: dict) -> Reading:
    return Reading(device_id=reading.device_id, ts=reading.ts, values=values)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _insert_telemetry(readings: list[Reading]) -> set[tuple[int, str, int]]:
    """Insert the points; returns (device_id, key, ms) of those that were not there."""
    devices, keys, stamps, values = [], [], [], []
    for r in readings:
        ms = (r.ts - EPOCH) // ONE_MS
        for key, value in r.values.items():
            devices.append(r.device_id)
            keys.append(key)
            stamps.append(ms)
            values.append(value)
    if not devices:
        return set()
    table = _table(Telemetry)
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f'INSERT INTO {table} (device_id, "key", ts, value) '
                "SELECT d, k, timestamptz 'epoch' + m * interval '1 millisecond', v "
                "FROM unnest(%b::bigint[], %b::text[], %b::bigint[], %b::float8[]) "
                "AS t(d, k, m, v) "
                'ON CONFLICT (device_id, "key", ts) DO NOTHING '
                'RETURNING device_id, "key", (extract(epoch FROM ts) * 1000)::bigint',
                [devices, keys, stamps, values],
            )
            return set(cursor.fetchall())
        adapt = connection.ops.adapt_datetimefield_value  # SQLite keeps UTC text
        rows = [
            (d, k, adapt(EPOCH + ms * ONE_MS), v)
            for d, k, ms, v in zip(devices, keys, stamps, values, strict=True)
        ]
        new = set()
        for chunk in _chunks(rows, SQLITE_ROWS_PER_STATEMENT):
            cursor.execute(
                f'INSERT INTO {table} (device_id, "key", ts, value) VALUES '
                + ",".join(["(%s, %s, %s, %s)"] * len(chunk))
                + ' ON CONFLICT (device_id, "key", ts) DO NOTHING RETURNING device_id, "key", ts',
                [p for row in chunk for p in row],
            )
            new.update((d, k, _sqlite_ms(t)) for d, k, t in cursor.fetchall())
        return new


def _insert_events(events: list[Event], now: datetime) -> set[tuple[int, str]]:
    table = _table(DeviceEvent)
    rows = [
        (e.device_id, e.event_id, e.type, e.ts, json.dumps(e.data, ensure_ascii=False))
        for e in events
    ]
    new = set()
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"INSERT INTO {table} (device_id, event_id, type, ts, data, received_at) "
                "SELECT d, i, t, s, j::jsonb, %s "
                "FROM unnest(%b::bigint[], %b::text[], %b::text[], %b::timestamptz[], %b::text[])"
                " AS e(d, i, t, s, j) "
                "ON CONFLICT (device_id, event_id) DO NOTHING RETURNING device_id, event_id",
                [now, *map(list, zip(*rows, strict=True))],
            )
            return set(cursor.fetchall())
        adapt = connection.ops.adapt_datetimefield_value
        received = adapt(now)
        for chunk in _chunks(rows, SQLITE_ROWS_PER_STATEMENT):
            cursor.execute(
                f"INSERT INTO {table} (device_id, event_id, type, ts, data, received_at) VALUES "
                + ",".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
                + " ON CONFLICT (device_id, event_id) DO NOTHING RETURNING device_id, event_id",
                [p for d, i, t, s, j in chunk for p in (d, i, t, adapt(s), j, received)],
            )
            new.update(cursor.fetchall())
    return new


def _update_devices(messages: list[Message], now: datetime) -> list[Status]:
    """One update per device: heard from now (unless all we heard is its last will), online
    as its last message says, battery and firmware as last reported. Returns a Status for
    each device whose online state changed."""
    latest: dict[int, dict] = {}
    for m in messages:
        state = latest.setdefault(m.device_id, {"online": True, "heard": False})
        if isinstance(m, Status):
            state["online"] = m.online
            state["heard"] = state["heard"] or m.online
        else:
            state["online"] = True
            state["heard"] = True
            if isinstance(m, Reading) and "battery" in m.values:
                state["battery"] = m.values["battery"]
            if isinstance(m, DeviceReading) and m.firmware is not None:
                state["firmware"] = m.firmware
    ids = sorted(latest)
    lock = " ORDER BY id FOR UPDATE" if _postgres() else ""
    when = now if _postgres() else connection.ops.adapt_datetimefield_value(now)
    changes: list[Status] = []
    updates = []
    with connection.cursor() as cursor:
        found = {}
        for chunk in _chunks(ids, 500):
            cursor.execute(
                f"SELECT id, online FROM {_table(Device)} "
                f"WHERE id IN ({','.join(['%s'] * len(chunk))}){lock}",
                chunk,
            )
            found.update(cursor.fetchall())
        for device_id in ids:
            if device_id not in found:
                continue  # deleted since it was parsed
            state = latest[device_id]
            changed = bool(found[device_id]) != state["online"]
            if changed:
                changes.append(Status(device_id=device_id, online=state["online"], ts=now))
            updates.append(
                (
                    state["online"],
                    state["heard"],
                    changed,
                    state.get("battery"),
                    state.get("firmware"),
                    device_id,
                )
            )
        if not updates:
            return changes
        assignments = (
            "online = {o}, last_seen = CASE WHEN {h} THEN {n} ELSE {t}last_seen END, "
            "status_changed_at = CASE WHEN {c} THEN {n} ELSE {t}status_changed_at END, "
            "battery = COALESCE({b}, {t}battery), firmware = COALESCE({f}, {t}firmware)"
        )
        if _postgres():
            cursor.execute(
                f"UPDATE {_table(Device)} AS d SET "
                + assignments.format(o="u.o", h="u.h", c="u.c", b="u.b", f="u.f", n="%s", t="d.")
                + " FROM unnest(%b::bool[], %b::bool[], %b::bool[], %b::float8[], %b::text[], "
                "%b::bigint[]) AS u(o, h, c, b, f, i) WHERE d.id = u.i",
                [now, now, *map(list, zip(*updates, strict=True))],
            )
        else:
            cursor.executemany(
                f"UPDATE {_table(Device)} SET "
                + assignments.format(o="%s", h="%s", n="%s", c="%s", b="%s", f="%s", t="")
                + " WHERE id = %s",
                [(o, h, when, c, when, b, f, i) for o, h, c, b, f, i in updates],
            )
    return changes


def count_rejects(rejects: Iterable[tuple[str, Rejected, bytes]]) -> None:
    """Add refused messages (device code, the refusal, the payload) to ``IngestReject``: one
    statement for the whole batch."""
    totals: dict[tuple[str, str], list] = {}
    for code, refusal, payload in rejects:
        key = (_text(code, 64), str(refusal.reason))
        entry = totals.setdefault(key, [0, "", ""])
        entry[0] += 1
        entry[1] = _text(refusal.detail, 300)
        entry[2] = _text(payload, 2000)
    if not totals:
        return
    now = timezone.now()
    if not _postgres():
        now = connection.ops.adapt_datetimefield_value(now)
    table = _table(IngestReject)
    rows = sorted(totals.items())
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for chunk in _chunks(rows, SQLITE_ROWS_PER_STATEMENT):
            cursor.execute(
                f"INSERT INTO {table} (device_code, reason, count, last_at, last_detail, "
                "last_payload) VALUES "
                + ",".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
                + f" ON CONFLICT (device_code, reason) DO UPDATE SET count = {table}.count + "
                "excluded.count, last_at = excluded.last_at, last_detail = excluded.last_detail, "
                "last_payload = excluded.last_payload",
                [p for (c, r), (n, d, pl) in chunk for p in (c, r, n, now, d, pl)],
            )


def accept_one(kind: str, device_code: str, payload: bytes) -> Message:
    """The HTTP endpoint's path: parse, store, process. Raises ``Rejected`` after counting."""
    try:
        message = parse(kind, device_code, payload)
    except Rejected as refusal:
        count_rejects([(device_code, refusal, payload)])
        raise
    store([message])
    return message


def _sqlite_ms(value) -> int:
    if isinstance(value, str):
        value = parse_datetime(value)
    return (value.replace(tzinfo=UTC) - EPOCH) // ONE_MS


def _text(raw, limit: int) -> str:
    if isinstance(raw, bytes | bytearray | memoryview):
        raw = bytes(raw[: limit * 4]).decode("utf-8", errors="replace")
    return str(raw).replace("\x00", "\ufffd")[:limit]


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
