"""App configuration for the shared core."""

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django's own Chinese catalogue leaves the form label suffix an ASCII colon; this entry puts
# it in ours, which is consulted first, so Chinese forms read "姓名：".
LABEL_SUFFIX = gettext_noop(":")


class CoreConfig(AppConfig):
    name = "community_brain.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from community_brain.core import workdays
        from community_brain.core.models import WorkCalendarDay, WorkCalendarYear

        # Keep the working-day cache in step with the table it is built from.
        for model in (WorkCalendarDay, WorkCalendarYear):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    workdays.calendar_changed,
                    sender=model,
                    dispatch_uid=f"workcalendar-{name}-{model.__name__}",
                )
