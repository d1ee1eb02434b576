"""The device registry, what devices send (telemetry, events, status), the rules that watch
them and the alarms they raise.

Storage is idempotent by construction: a telemetry point is unique per (device, key, time), an
event per (device, event id), so a QoS 1 redelivery or a replayed HTTP post stores nothing
new. At most one alarm per device and type is active, enforced by a partial unique index, so
two ingest processes racing on the same trigger cannot make two.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community_brain.accounts.permissions import Kind, ScopedQuerySet, ScopePaths
from community_brain.core.crypto import token_hash as hash_token
from community_brain.core.models import TimeStampedModel
from community_brain.devices.choices import Operator, RejectReason, Severity, Trigger

DEVICE_PATHS = ScopePaths(community="compound__community_id", compound="compound_id")
ALARM_PATHS = ScopePaths(community="device__compound__community_id", compound="device__compound_id")


class DeviceType(TimeStampedModel):
    """A kind of device (smoke detector, water-level gauge …): what it measures and reports.

    ``keys`` maps each telemetry key to its description:
    ``{"smoke": {"label": "烟雾浓度", "unit": "dB/m", "min": 0, "max": 10}}``; ``events`` lists the
    event types it may send (``["smoke_alarm", "tamper", "low_battery"]``)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    keys = models.JSONField(_("telemetry keys"), default=dict, blank=True)
    events = models.JSONField(_("event types"), default=list, blank=True)
    offline_after_minutes = models.PositiveIntegerField(
        _("offline after (minutes)"),
        default=30,
        help_text=_("Without a message for this long, a device of this type is offline."),
    )

    class Meta:
        verbose_name = _("device type")
        verbose_name_plural = _("device types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeviceQuerySet(ScopedQuerySet.for_kind(Kind.DEVICES, DEVICE_PATHS)):
    def active(self):
        return self.filter(is_active=True)


class Device(TimeStampedModel):
    """One device in a compound (and a building, when it is in one)."""

    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("Letters, digits, '-' and '_': the device's name in MQTT topics."),
    )
    name = models.CharField(_("name"), max_length=100)
    type = models.ForeignKey(
        DeviceType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="devices"
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        on_delete=models.PROTECT,
        related_name="devices",
    )
    building = models.ForeignKey(
        "places.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="devices",
    )
    location = models.CharField(_("where"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    online = models.BooleanField(_("online"), default=False)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("online state since"), null=True, blank=True)
    battery = models.FloatField(_("battery (%)"), null=True, blank=True)
    firmware = models.CharField(_("firmware"), max_length=40, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    token_hint = models.CharField(max_length=8, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["compound", "code"]
        indexes = [
            models.Index(fields=["compound", "type"], name="device_compound_type_idx"),
            models.Index(fields=["online", "last_seen"], name="device_online_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def issue_token(self) -> str:
        """A new HTTP ingest token for the device; only its hash is kept. Call save()."""
        raw = "dv_" + secrets.token_urlsafe(24)
        self.token_hash, self.token_hint = hash_token(raw), raw[-6:]
        return raw

    def token_matches(self, raw: str) -> bool:
        return bool(self.token_hash) and secrets.compare_digest(
            self.token_hash, hash_token(raw or "")
        )


class Telemetry(models.Model):
    """One value of one key from one device at one moment. Unique per (device, key, ts): the
    same message stored twice is stored once."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=32)
    ts = models.DateTimeField()
    value = models.FloatField()

    class Meta:
        verbose_name = _("telemetry point")
        verbose_name_plural = _("telemetry")
        constraints = [
            models.UniqueConstraint(fields=["device", "key", "ts"], name="telemetry_once")
        ]
        indexes = [models.Index(fields=["ts"], name="telemetry_ts_idx")]

    def __str__(self) -> str:
        return f"{self.device_id}/{self.key}@{self.ts:%Y-%m-%d %H:%M:%S} = {self.value}"


class TelemetryRollup(models.Model):
    """Old telemetry, downsampled: the hourly count, minimum, maximum and mean of a key."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=32)
    hour = models.DateTimeField()
    count = models.PositiveIntegerField()
    minimum = models.FloatField()
    maximum = models.FloatField()
    mean = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "key", "hour"], name="rollup_once")
        ]

    def __str__(self) -> str:
        return f"{self.device_id}/{self.key}@{self.hour:%Y-%m-%d %H}h mean {self.mean}"


class DeviceEvent(models.Model):
    """Something a device reports as happening (smoke alarm, tamper, fall …). Unique per
    (device, the device's own event id)."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(_("event id"), max_length=64)
    type = models.CharField(_("type"), max_length=40)
    ts = models.DateTimeField(_("time"))
    data = models.JSONField(_("data"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("device event")
        verbose_name_plural = _("device events")
        ordering = ["-ts"]
        constraints = [
            models.UniqueConstraint(fields=["device", "event_id"], name="device_event_once")
        ]
        indexes = [models.Index(fields=["device", "-ts"], name="device_event_ts_idx")]

    def __str__(self) -> str:
        return f"{self.type} #{self.event_id}"


class IngestReject(models.Model):
    """Messages refused, counted per device code and reason, with the last one kept."""

    device_code = models.CharField(_("device code"), max_length=64)
    reason = models.CharField(_("reason"), max_length=20, choices=RejectReason.choices)
    count = models.PositiveBigIntegerField(_("count"), default=0)
    last_at = models.DateTimeField(_("last at"))
    last_detail = models.CharField(_("last detail"), max_length=300, blank=True)
    last_payload = models.TextField(_("last payload"), blank=True)

    class Meta:
        verbose_name = _("refused message")
        verbose_name_plural = _("refused messages")
        ordering = ["-last_at"]
        constraints = [
            models.UniqueConstraint(fields=["device_code", "reason"], name="reject_once")
        ]

    def __str__(self) -> str:
        return f"{self.device_code}: {self.get_reason_display()} ×{self.count}"


class Rule(TimeStampedModel):
    """When (trigger) and where (conditions) to do what (actions), for a device type or one
    device: trigger → conditions → actions, as Home Assistant's automations."""

    name = models.CharField(_("name"), max_length=100)
    device_type = models.ForeignKey(
        DeviceType,
        verbose_name=_("device type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
    )
    device = models.ForeignKey(
        Device,
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rules",
    )
    # trigger
    trigger = models.CharField(_("trigger"), max_length=12, choices=Trigger.choices)
    key = models.CharField(_("telemetry key"), max_length=32, blank=True)
    operator = models.CharField(_("operator"), max_length=3, choices=Operator.choices, blank=True)
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    clear_threshold = models.FloatField(
        _("clears at"),
        null=True,
        blank=True,
        help_text=_("The value that clears the alarm (hysteresis); empty: when the trigger stops."),
    )
    hold_seconds = models.PositiveIntegerField(
        _("held for (seconds)"), default=0, help_text=_("0: at once.")
    )
    event_type = models.CharField(_("event type"), max_length=40, blank=True)
    clear_event_type = models.CharField(
        _("cleared by event"),
        max_length=40,
        blank=True,
        help_text=_("The event that clears the alarm; empty: the event type + “_cleared”."),
    )
    minutes = models.PositiveIntegerField(
        _("minutes"), null=True, blank=True, help_text=_("For offline and inactivity triggers.")
    )
    # conditions
    active_from = models.TimeField(_("only from"), null=True, blank=True)
    active_until = models.TimeField(_("only until"), null=True, blank=True)
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("only in compound"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # actions
    alarm_type = models.CharField(
        _("alarm type"), max_length=40, help_text=_("e.g. smoke, gas_leak, water_level_high")
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MAJOR
    )
    open_case = models.BooleanField(_("open a case"), default=True)
    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("case category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notify_on_call = models.BooleanField(_("tell whoever is on duty"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(device_type__isnull=False) | Q(device__isnull=False),
                name="rule_has_a_subject",
            )
        ]

    def __str__(self) -> str:
        return self.name


class AlarmQuerySet(ScopedQuerySet.for_kind(Kind.DEVICES, ALARM_PATHS)):
    def active(self):
        return self.filter(cleared_at__isnull=True)


class Alarm(models.Model):
    """告警: at most one active per device and type. A repeat of the trigger updates the active
    alarm (count, last seen, severity if higher) instead of making another."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(
        Device, verbose_name=_("device"), on_delete=models.CASCADE, related_name="alarms"
    )
    type = models.CharField(_("type"), max_length=40)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    rule = models.ForeignKey(
        Rule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alarms",
    )
    started_at = models.DateTimeField(_("started at"))
    last_seen_at = models.DateTimeField(_("last seen at"))
    count = models.PositiveIntegerField(_("occurrences"), default=1)
    details = models.JSONField(_("details"), default=dict, blank=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alarms",
    )

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["device", "type"],
                condition=Q(cleared_at__isnull=True),
                name="alarm_one_active_per_device_type",
            )
        ]
        indexes = [
            models.Index(fields=["cleared_at", "-started_at"], name="alarm_active_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.device.code} {self.type} ({self.get_severity_display()})"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None
