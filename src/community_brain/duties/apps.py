"""App configuration for the power-and-responsibility lists (权责清单)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "community_brain.duties"
    label = "duties"
    verbose_name = _("Power-and-responsibility lists")

    def ready(self):
        from community_brain.duties import importing  # noqa: F401  (registers the handler)
