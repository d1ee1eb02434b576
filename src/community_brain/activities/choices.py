"""Choices of community life."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("booked")
    CANCELLED = "cancelled", _("cancelled")


class ActivityKind(models.TextChoices):
    LECTURE = "lecture", _("lecture (讲座)")
    CLINIC = "clinic", _("free clinic (义诊)")
    HEALTH_TALK = "health_talk", _("health talk (健康讲座)")
    FESTIVAL = "festival", _("festival (邻里节)")
    VOLUNTEERING = "volunteering", _("volunteer service (志愿服务)")
    OTHER = "other", _("other activity")


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    WAITING = "waiting", _("on the waiting list")
    CANCELLED = "cancelled", _("cancelled")
