"""Downsampling and purge of old telemetry (run daily by ``brain worker``): raw points older
than ``TELEMETRY_RAW_DAYS`` (default 30) become one ``TelemetryRollup`` per device, key and
hour (count, minimum, maximum, mean) and are deleted.

It works an hour of data at a time, each in its own transaction, so a huge backlog never
holds one long transaction, and an interrupted run loses nothing. Running it again is safe:
points that arrive late for an hour already rolled up are merged into that hour's row.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Avg, Count, Max, Min
from django.db.models.functions import TruncHour
from django.utils import timezone

from community_brain.devices.ingest import conf
from community_brain.devices.models import Telemetry, TelemetryRollup

logger = logging.getLogger(__name__)


def cutoff(now: datetime | None = None, days: int | None = None) -> datetime:
    """The start of the hour before which raw points are rolled up."""
    days = conf.get("TELEMETRY_RAW_DAYS") if days is None else days
    moment = (now or timezone.now()).astimezone(UTC) - timedelta(days=days)
    return moment.replace(minute=0, second=0, microsecond=0)


def downsample_old_telemetry(
    now: datetime | None = None, *, days: int | None = None, max_hours: int = 24 * 400
) -> tuple[int, int]:
    """Roll up and delete raw telemetry older than the policy; returns (rollup rows
    written, raw points deleted)."""
    limit = cutoff(now, days)
    written = deleted = 0
    for _ in range(max_hours):
        oldest = (
            Telemetry.objects.filter(ts__lt=limit).order_by("ts").values_list("ts", flat=True)
        ).first()
        if oldest is None:
            break
        start = oldest.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        w, d = _roll_hour(start, min(start + timedelta(hours=1), limit))
        written += w
        deleted += d
    if deleted:
        logger.info("telemetry: %d raw points rolled into %d hourly rows", deleted, written)
    return written, deleted


def _roll_hour(start: datetime, end: datetime) -> tuple[int, int]:
    with transaction.atomic():
        raw = Telemetry.objects.filter(ts__gte=start, ts__lt=end)
        groups = (
            raw.annotate(hour=TruncHour("ts", tzinfo=UTC))
            .values("device_id", "key", "hour")
            .annotate(n=Count("id"), lo=Min("value"), hi=Max("value"), mean=Avg("value"))
        )
        rollups = {(g["device_id"], g["key"]): g for g in groups}
        existing = {
            (r.device_id, r.key): r
            for r in TelemetryRollup.objects.select_for_update().filter(
                hour=start, device_id__in={d for d, _ in rollups}
            )
        }
        rows = []
        for (device_id, key), g in rollups.items():
            count, low, high, mean = g["n"], g["lo"], g["hi"], g["mean"]
            old = existing.get((device_id, key))
            if old is not None:  # late points for an hour already rolled up
                mean = (old.mean * old.count + mean * count) / (old.count + count)
                count, low, high = old.count + count, min(old.minimum, low), max(old.maximum, high)
            rows.append(
                TelemetryRollup(
                    device_id=device_id,
                    key=key,
                    hour=start,
                    count=count,
                    minimum=low,
                    maximum=high,
                    mean=mean,
                )
            )
        TelemetryRollup.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["device", "key", "hour"],
            update_fields=["count", "minimum", "maximum", "mean"],
        )
        deleted, _ = raw.delete()
    return len(rows), deleted
