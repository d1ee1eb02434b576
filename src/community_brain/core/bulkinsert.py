"""Rows of one model inserted with SQL built once per model and row count: ``bulk_create``
for write paths that run hundreds of times a second (case intake).

Django's ``bulk_create`` compiles its statement anew on every call and, on PostgreSQL,
sends the rows as arrays for UNNEST, which psycopg encodes in Python; for the two to eight
rows of a case report's batch that costs more than the database spends. Here the
statement is a plain multi-row ``INSERT … VALUES … RETURNING id``, kept per (model, rows),
and each value goes through the field's own ``pre_save`` and ``get_db_prep_save``, as in
Django: timestamps filled, JSON dumped, foreign keys taken from their objects.

One statement, one round trip: measured against psycopg's pipeline (one short statement
per row), which takes more CPU and, in a web process whose other threads hold the GIL,
about twice as long, since each exchange with the server waits for the GIL again.

On PostgreSQL the statement is written with the server's own numbered placeholders
(``$1``, ``$2`` …) and sent through psycopg's raw cursor: psycopg parses ``%s`` statements
of more than 50 parameters anew on every call (it caches only shorter ones), which cost a
fifth of the insert's time.

Like ``bulk_create``: no signals, no ``save()``; the objects get their primary keys.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache

from django.db import connections, router
from django.db.models import Model

_lock = threading.Lock()


class _Plan:
    def __init__(self, model, with_pk: bool, quote, numbered: bool):
        opts = model._meta
        if opts.parents:
            raise ValueError(f"{opts.label}: inherited models are not supported")
        self.fields = [f for f in opts.concrete_fields if with_pk or f is not opts.pk]
        self.table = quote(opts.db_table)
        self.columns = ", ".join(quote(f.column) for f in self.fields)
        self.returning = None if with_pk else quote(opts.pk.column)
        self.numbered = numbered

    @lru_cache(maxsize=64)  # noqa: B019 — plans live as long as the process
    def sql(self, rows: int, ignore_conflicts: bool) -> str:
        width = len(self.fields)
        if self.numbered:
            marks = [f"${n}" for n in range(1, rows * width + 1)]
        else:
            marks = ["%s"] * (rows * width)
        values = ", ".join(
            "(" + ", ".join(marks[r * width : (r + 1) * width]) + ")" for r in range(rows)
        )
        sql = f"INSERT INTO {self.table} ({self.columns}) VALUES {values}"
        if ignore_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        elif self.returning:
            sql += f" RETURNING {self.returning}"
        return sql


_plans: dict[tuple, _Plan] = {}


def _plan(model, connection, with_pk: bool) -> _Plan:
    key = (model, connection.vendor, with_pk)
    plan = _plans.get(key)
    if plan is None:
        with _lock:
            numbered = connection.vendor == "postgresql"
            plan = _plans.setdefault(
                key, _Plan(model, with_pk, connection.ops.quote_name, numbered)
            )
    return plan


def insert(objs: Sequence[Model], *, ignore_conflicts: bool = False) -> None:
    """Insert ``objs`` (all of one model). Without ``ignore_conflicts`` each object gets the
    primary key the database gave it; with it, rows that clash with a unique constraint are
    skipped and no key is read back (as with ``bulk_create``)."""
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise ValueError("insert: give objects of one model")
    with_pk = objs[0].pk is not None
    if any((obj.pk is not None) != with_pk for obj in objs):
        raise ValueError("insert: give every object a primary key, or none")
    alias = router.db_for_write(model)
    connection = connections[alias]
    plan = _plan(model, connection, with_pk)
    size = max(1, connection.ops.bulk_batch_size(plan.fields, objs))  # SQLite's variable cap
    for start in range(0, len(objs), size):
        _insert(connection, plan, objs[start : start + size], ignore_conflicts)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def _insert(connection, plan: _Plan, objs, ignore_conflicts: bool) -> None:
    params = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert")
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in plan.fields)
    returning = plan.returning and not ignore_conflicts
    with _cursor(connection, plan.numbered) as cursor:
        cursor.execute(plan.sql(len(objs), ignore_conflicts), params)
        if returning:
            keys = cursor.fetchall()
            if len(keys) != len(objs):
                raise RuntimeError(f"insert: {len(keys)} keys back for {len(objs)} rows")
            for obj, (key,) in zip(objs, keys, strict=True):
                obj.pk = key


def _cursor(connection, numbered: bool):
    """Django's cursor; for numbered placeholders, around psycopg's raw cursor (Django's
    wrapper still turns errors into Django's and logs the statement when asked)."""
    if not numbered:
        return connection.cursor()
    from psycopg import RawCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = RawCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)
