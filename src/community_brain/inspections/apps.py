"""App configuration for defect-liability-period inspection (缺陷责任期巡查)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "community_brain.inspections"
    label = "inspections"
    verbose_name = _("Defect-period inspections")

    def ready(self):
        from community_brain.notify import templates

        templates.register(
            "inspection.notice_issued",
            _("Rectification notice {number}: {count} defects on {section}"),
            _("{project}. Acknowledge receipt and rectify by {deadline}."),
        )
