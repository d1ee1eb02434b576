"""Old telemetry is rolled into hourly rows and deleted; recent telemetry is left alone;
running it again changes nothing; late points merge into their hour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from community_brain.devices.ingest.retention import downsample_old_telemetry
from community_brain.devices.models import Telemetry, TelemetryRollup
from community_brain.devices.tests.conftest import make_ingest_device
from community_brain.notify.periodic import job

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def points(device, start, values, key="temp", step=timedelta(minutes=10)):
    Telemetry.objects.bulk_create(
        Telemetry(device=device, key=key, ts=start + i * step, value=v)
        for i, v in enumerate(values)
    )


def test_old_points_become_hourly_rollups_and_recent_ones_stay():
    device = make_ingest_device()
    old = NOW - timedelta(days=40)
    hour = old.replace(minute=0)
    points(device, hour, [1, 2, 3, 4, 5, 6, 7, 8])  # 80 minutes: two hours
    points(device, NOW - timedelta(days=2), [9, 9])
    assert downsample_old_telemetry(NOW) == (2, 8)
    first, second = TelemetryRollup.objects.order_by("hour")
    assert (first.hour, first.count, first.minimum, first.maximum, first.mean) == (
        hour,
        6,
        1,
        6,
        3.5,
    )
    assert (second.count, second.mean) == (2, 7.5)
    assert Telemetry.objects.count() == 2  # the recent ones
    assert downsample_old_telemetry(NOW) == (0, 0)  # again: nothing to do


def test_late_points_are_merged_into_their_hour():
    device = make_ingest_device()
    hour = (NOW - timedelta(days=40)).replace(minute=0)
    points(device, hour, [2, 4])
    downsample_old_telemetry(NOW)
    points(device, hour + timedelta(minutes=30), [12])
    downsample_old_telemetry(NOW)
    rollup = TelemetryRollup.objects.get()
    assert (rollup.count, rollup.minimum, rollup.maximum, rollup.mean) == (3, 2, 12, 6)


def test_the_policy_is_configurable_and_scheduled_daily(settings):
    device = make_ingest_device()
    points(device, NOW - timedelta(days=3), [1])
    settings.TELEMETRY_RAW_DAYS = 2
    assert downsample_old_telemetry(NOW) == (1, 1)
    assert job("devices.downsample_telemetry").daily_at is not None
