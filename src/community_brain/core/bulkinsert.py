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
from datetime import datetime
from functools import lru_cache

from django.db import connections, router
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    FloatField,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)

_lock = threading.Lock()


# The types whose values Django's own fields of each kind hand to the driver unchanged: for
# those, the field's conversion is skipped (it cost a third of the insert's CPU for a case's
# 55 columns). Anything else — enum members, lazy strings, datetimes, subclasses and custom
# fields — goes through the field's ``get_db_prep_save`` as in Django.
_AS_IS = (
    ((CharField, TextField), frozenset({str, type(None)})),
    ((BooleanField,), frozenset({bool, type(None)})),
    ((IntegerField,), frozenset({int, type(None)})),
    ((FloatField,), frozenset({float, type(None)})),
    ((DateTimeField,), frozenset({type(None)})),
)


def _djangos_own(field) -> bool:
    """A field class of Django's, not one of the project's (encrypted text), which converts
    its values its own way."""
    return type(field).__module__.startswith("django.db.models.fields")


def _as_is(field) -> frozenset:
    if not _djangos_own(field):
        return frozenset()
    if isinstance(field, ForeignKey):
        return _as_is(field.target_field)
    for kinds, types in _AS_IS:
        if isinstance(field, kinds):
            return types
    return frozenset()


def _taker(field, vendor: str):
    """How one column's value is taken from an object: ``pre_save`` when the field fills
    it (``auto_now``), else the attribute; then ``get_db_prep_save`` unless the value is of
    a type the field passes through unchanged. On PostgreSQL an aware datetime is such a
    value too (Django hands it to psycopg as it is; a naive one it first makes aware)."""
    pre_save = None if type(field).pre_save is Field.pre_save else field.pre_save
    aware = vendor == "postgresql" and isinstance(field, DateTimeField) and _djangos_own(field)
    return field.attname, pre_save, _as_is(field), aware, field.get_db_prep_save


def _values(obj, takers, connection) -> list:
    values = []
    for attname, pre_save, as_is, aware, prep in takers:
        value = getattr(obj, attname) if pre_save is None else pre_save(obj, True)
        if type(value) in as_is or (aware and type(value) is datetime and value.tzinfo):
            values.append(value)
        else:
            values.append(prep(value, connection))
    return values


class _Plan:
    def __init__(self, model, with_pk: bool, connection):
        opts = model._meta
        if opts.parents:
            raise ValueError(f"{opts.label}: inherited models are not supported")
        self.fields = [f for f in opts.concrete_fields if with_pk or f is not opts.pk]
        quote = connection.ops.quote_name
        self.table = quote(opts.db_table)
        self.columns = ", ".join(quote(f.column) for f in self.fields)
        self.returning = None if with_pk else quote(opts.pk.column)
        self.takers = [_taker(f, connection.vendor) for f in self.fields]
        # The server's own placeholders, unless queries are logged.
        self.numbered = connection.vendor == "postgresql"

    @lru_cache(maxsize=128)  # noqa: B019 — plans live as long as the process
    def sql(self, rows: int, ignore_conflicts: bool, numbered: bool) -> str:
        width = len(self.fields)
        if numbered:
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
            plan = _plans.setdefault(key, _Plan(model, with_pk, connection))
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
        params += _values(obj, plan.takers, connection)
    returning = plan.returning and not ignore_conflicts
    # A logged query is shown with its values, which Django fills in through psycopg's
    # client-side ``%s`` formatting: numbered placeholders would fail there (DEBUG, tests
    # that count queries).
    numbered = plan.numbered and not connection.queries_logged
    with _cursor(connection, numbered) as cursor:
        cursor.execute(plan.sql(len(objs), ignore_conflicts, numbered), params)
        if returning:
            keys = cursor.fetchall()
            if len(keys) != len(objs):
                raise RuntimeError(f"insert: {len(keys)} keys back for {len(objs)} rows")
            for obj, (key,) in zip(objs, keys, strict=True):
                obj.pk = key


def _cursor(connection, numbered: bool):
    """Django's cursor; for numbered placeholders, around psycopg's raw cursor (Django's
    wrapper still turns errors into Django's)."""
    if not numbered:
        return connection.cursor()
    from psycopg import RawCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    return connection.make_cursor(RawCursor(connection.connection))
