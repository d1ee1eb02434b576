"""Enumerations of the devices app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    """ThingsBoard's scale, highest first."""

    CRITICAL = "critical", _("critical")
    MAJOR = "major", _("major")
    MINOR = "minor", _("minor")
    WARNING = "warning", _("warning")


SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.MAJOR: 3, Severity.MINOR: 2, Severity.WARNING: 1}


class Trigger(models.TextChoices):
    THRESHOLD = "threshold", _("a value beyond a threshold, held for a time")
    EVENT = "event", _("an event of a type")
    OFFLINE = "offline", _("offline for a time")
    INACTIVITY = "inactivity", _("no activity for a time")


class Operator(models.TextChoices):
    GT = "gt", ">"
    GTE = "gte", "≥"
    LT = "lt", "<"
    LTE = "lte", "≤"
    EQ = "eq", "="
    NE = "ne", "≠"


class RejectReason(models.TextChoices):
    UNKNOWN_DEVICE = "unknown_device", _("unknown device")
    INACTIVE_DEVICE = "inactive_device", _("device switched off in the registry")
    NOT_JSON = "not_json", _("not JSON")
    BAD_SHAPE = "bad_shape", _("not the expected shape")
    BAD_TIME = "bad_time", _("timestamp missing, malformed or far off")
    UNKNOWN_KEY = "unknown_key", _("a key the device type does not have")
    BAD_VALUE = "bad_value", _("a value that is not a number or out of range")
    UNKNOWN_EVENT = "unknown_event", _("an event type the device type does not have")
    BAD_TOKEN = "bad_token", _("wrong device token")
    TOO_LARGE = "too_large", _("payload too large")
