"""Base model classes, the append-only audit log (审计日志), imports and the working calendar
(工作日历)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditLog(models.Model):
    """One row per state change or sensitive read. Never updated, never deleted by the app."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    ip = models.CharField(_("IP address"), max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("audit records are append-only")
        super().save(*args, **kwargs)


class ImportJob(models.Model):
    """An uploaded spreadsheet on its way into the database: checked in full first (a dry
    run that lists every bad row), then written all at once or not at all."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        VALIDATING = "validating", _("checking")
        INVALID = "invalid", _("has errors")
        VALID = "valid", _("ready to import")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    TRANSITIONS = {
        Status.UPLOADED: {Status.VALIDATING, Status.FAILED},
        Status.VALIDATING: {Status.INVALID, Status.VALID, Status.FAILED},
        Status.VALID: {Status.IMPORTING, Status.VALIDATING},
        Status.IMPORTING: {Status.DONE, Status.INVALID, Status.FAILED},
        Status.INVALID: set(),
        Status.DONE: set(),
        Status.FAILED: set(),
    }

    kind = models.CharField(_("kind"), max_length=40)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in {"uploaded", "validating"} else 100
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.UPLOADED, self.Status.VALIDATING, self.Status.IMPORTING}


class WorkCalendarDay(TimeStampedModel):
    """One day of the official schedule (工作日历) that overrides the holiday library: a day
    off (放假) on a weekday or a holiday, or a swapped working day (调休上班) on a weekend."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("day off")
        WORKDAY = "workday", _("swapped working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(
        _("name"),
        max_length=50,
        blank=True,
        help_text=_("The holiday it belongs to, as in the notice, e.g. National Day."),
    )
    note = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("working-calendar day")
        verbose_name_plural = _("working-calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".rstrip()

    def clean(self):
        super().clean()
        is_date = isinstance(self.date, datetime.date)  # not yet, if the date did not parse
        if self.kind == self.Kind.WORKDAY and is_date and self.date.weekday() < 5:
            raise ValidationError(
                {"kind": _("A swapped working day must fall on a Saturday or a Sunday.")}
            )


class WorkCalendarYear(TimeStampedModel):
    """A year of the working calendar: whether its official schedule (国务院办公厅关于…部分节假日
    安排的通知) has been entered in full, and from which notice."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_(
            "Tick when this year's official schedule has been entered in full. Until then, "
            "deadlines that reach this year count weekends only and are flagged for review."
        ),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("The notice the schedule comes from: its title and number."),
    )
    note = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("working-calendar year")
        verbose_name_plural = _("working-calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class LiveMessage(models.Model):
    """A live event on its way to the pages listening (``core.live``'s database transport,
    for deployments without Redis or PostgreSQL: SQLite with several processes). Kept for
    minutes only."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    body = models.TextField()

    class Meta:
        verbose_name = _("live message")
        verbose_name_plural = _("live messages")

    def __str__(self) -> str:
        return self.body[:80]
