"""App configuration for the 乐居 fortnightly bulletin (乐居半月谈)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "community_brain.bulletins"
    label = "bulletins"
    verbose_name = _("Fortnightly bulletin")
