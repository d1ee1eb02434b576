"""App configuration for the demo seed."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "community_brain.demo"
    label = "demo"
    verbose_name = _("Demo")
