"""App configuration for the control centre's big screen."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreenConfig(AppConfig):
    name = "community_brain.screen"
    label = "screen"
    verbose_name = _("Big screen")
