"""App configuration for defect-liability-period inspection (缺陷责任期巡查)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "community_brain.inspections"
    label = "inspections"
    verbose_name = _("Defect-period inspections")
