"""App configuration for the case ledger."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "community_brain.cases"
    label = "cases"
    verbose_name = _("Case ledger")
