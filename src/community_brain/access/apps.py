"""App configuration for gates (门禁): consent, credentials, face templates, access events."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "community_brain.access"
    label = "access"
    verbose_name = _("Gates and access")
