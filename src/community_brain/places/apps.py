"""App configuration for the register."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "community_brain.places"
    label = "places"
    verbose_name = _("Register")

    def ready(self):
        from community_brain.places import importing  # noqa: F401  (registers the handlers)
