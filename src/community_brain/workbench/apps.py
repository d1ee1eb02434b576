"""App configuration for the workbenches: the grid worker's phone home, the handlers' inbox,
the secretary's overview."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "community_brain.workbench"
    label = "workbench"
    verbose_name = _("Workbenches")
