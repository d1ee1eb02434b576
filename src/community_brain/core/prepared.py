"""Queries compiled once per process and run many times, for the API's hottest lookups (a
bearer token on every request).

Django turns a QuerySet into SQL each time it is evaluated; for a lookup by a unique key
that costs several times the CPU PostgreSQL spends answering it. A ``Prepared`` query keeps
the SQL and Django's recipe for turning rows into objects (converters, select_related), and
binds only the new values. The objects are Django's own (``Model.from_db``), exactly what
the QuerySet would have returned.

Parameters are strings compared for equality (``key=…``); an ``__in`` list would change
the SQL's shape, so it cannot be one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators


class _Compiled:
    def __init__(self, queryset: QuerySet, markers: dict[str, str]):
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = {}
        for name, marker in markers.items():
            places = [i for i, p in enumerate(self.params) if p == marker]
            if not places:
                raise ValueError(f"parameter {name!r} is not used as a plain value")
            self.slots[name] = places
        self.db = queryset.db
        self.compiler = compiler
        klass_info, select = compiler.klass_info, compiler.select
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, queryset.db)
        columns = [s[0] for s in select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("composite primary keys are not supported")
        self.converters = compiler.get_converters(columns)  # found once, not per row

    def run(self, values: dict) -> list:
        params = list(self.params)
        for name, places in self.slots.items():
            for i in places:
                params[i] = values[name]
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = self.compiler.apply_converters(rows, self.converters)
        objects = []
        for row in rows:
            obj = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


class Prepared:
    """``Prepared(lambda key: Model.objects.filter(key=key)[:1], "key").first(key=…)``.

    ``build`` receives one placeholder per name and returns the QuerySet; it is compiled
    once per database vendor, on first use."""

    def __init__(self, build: Callable[..., QuerySet], *names: str):
        self._build = build
        self._names = names
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _get(self) -> _Compiled:
        from django.db import connection

        key = f"{connection.alias}:{connection.vendor}"
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                markers = {name: f"\x00{name}\x00" for name in self._names}  # found again by value
                compiled = _Compiled(self._build(**markers), markers)
                self._compiled[key] = compiled
        return compiled

    def all(self, **values) -> list:
        if set(values) != set(self._names):
            raise TypeError(f"give exactly {sorted(self._names)}")
        return self._get().run(values)

    def first(self, **values):
        found = self.all(**values)
        return found[0] if found else None
