"""App configuration for devices: the registry, ingest, telemetry, rules and alarms."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "community_brain.devices"
    label = "devices"
    verbose_name = _("Devices and alarms")
