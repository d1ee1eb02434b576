"""Read-side queries of the devices app: list filters, online counts, the latest values and a
day's series of a device. Shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from community_brain.devices.models import Alarm, Device, Telemetry

MAX_POINTS = 400  # per key on a chart: a day of 10 s telemetry is 8,640 points


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _bool(value) -> bool | None:
    if value in (True, "1", "true", "yes", "on"):
        return True
    if value in (False, "0", "false", "no", "off"):
        return False
    return None


def filter_devices(qs, params: Mapping):
    """``compound`` (id or code), ``type`` (code), ``online`` (true/false), ``q`` (code or
    name). Returns the queryset and the filters applied."""
    applied = {}
    compound = params.get("compound")
    if compound:
        pk = _int(compound)
        qs = qs.filter(compound_id=pk) if pk is not None else qs.filter(compound__code=compound)
        applied["compound"] = pk if pk is not None else compound
    if params.get("type"):
        qs = qs.filter(type__code=params["type"])
        applied["type"] = params["type"]
    online = _bool(params.get("online"))
    if online is not None:
        qs = qs.filter(online=online)
        applied["online"] = "1" if online else "0"
    if params.get("q"):
        q = params["q"].strip()
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(location__icontains=q))
        applied["q"] = q
    return qs, applied


def filter_alarms(qs, params: Mapping):
    """``active`` (true/false), ``severity``, ``compound`` (id or code), ``device`` (code);
    active alarms first, the newest first within each."""
    applied = {}
    active = _bool(params.get("active"))
    if active is not None:
        qs = qs.filter(cleared_at__isnull=active)
        applied["active"] = "1" if active else "0"
    if params.get("severity"):
        qs = qs.filter(severity=params["severity"])
        applied["severity"] = params["severity"]
    compound = params.get("compound")
    if compound:
        pk = _int(compound)
        qs = (
            qs.filter(device__compound_id=pk)
            if pk is not None
            else qs.filter(device__compound__code=compound)
        )
        applied["compound"] = pk if pk is not None else compound
    if params.get("device"):
        qs = qs.filter(device__code=params["device"])
        applied["device"] = params["device"]
    return qs.order_by(F("cleared_at").desc(nulls_first=True), "-started_at"), applied


def online_counts(qs) -> list[dict]:
    """Devices online and offline per (compound, type)."""
    return list(
        qs.order_by()
        .values("compound__name", "type__name", "type__code")
        .annotate(
            online_n=Count("id", filter=Q(online=True)),
            offline_n=Count("id", filter=Q(online=False)),
        )
        .order_by("compound__name", "type__name")
    )


def latest_values(device: Device) -> list[dict]:
    """Each telemetry key of the device's type with its latest value and when it came."""
    out = []
    for key, spec in (device.type.keys or {}).items():
        point = (
            Telemetry.objects.filter(device=device, key=key).order_by("-ts").only("ts", "value")
        ).first()
        out.append(
            {
                "key": key,
                "label": spec.get("label", key),
                "unit": spec.get("unit", ""),
                "min": spec.get("min"),
                "max": spec.get("max"),
                "value": point.value if point else None,
                "ts": point.ts if point else None,
            }
        )
    return out


def series(device: Device, *, hours: int = 24, now=None) -> dict[str, list[tuple]]:
    """The last ``hours`` of each key as (ts, value), thinned to at most MAX_POINTS."""
    now = now or timezone.now()
    rows = (
        Telemetry.objects.filter(device=device, ts__gte=now - timedelta(hours=hours))
        .order_by("key", "ts")
        .values_list("key", "ts", "value")
    )
    out: dict[str, list[tuple]] = {}
    for key, ts, value in rows.iterator(chunk_size=2000):
        out.setdefault(key, []).append((ts, value))
    for key, points in out.items():
        if len(points) > MAX_POINTS:
            step = len(points) / MAX_POINTS
            out[key] = [points[int(i * step)] for i in range(MAX_POINTS)] + [points[-1]]
    return out


def alarm_counts(qs) -> dict[str, int]:
    """Active alarms by severity."""
    rows = qs.filter(cleared_at__isnull=True).order_by().values("severity").annotate(n=Count("id"))
    return {r["severity"]: r["n"] for r in rows}


def active_alarms_of(device: Device):
    return Alarm.objects.filter(device=device).order_by(
        F("cleared_at").desc(nulls_first=True), "-started_at"
    )
