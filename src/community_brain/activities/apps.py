"""App configuration for community life (社区生活): rooms and their bookings, activities with
sign-ups and check-in, volunteers and their service hours."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "community_brain.activities"
    label = "activities"
    verbose_name = _("Activities and rooms")

    def ready(self):
        from community_brain.notify import templates

        templates.register(
            "activity.reminder",
            _("Tomorrow: {title}"),
            _("{when} at {place}. Show your check-in code at the door."),
        )
        templates.register(
            "activity.promoted",
            _("You have a place: {title}"),
            _("A place came free and you moved up from the waiting list. {when} at {place}."),
        )
