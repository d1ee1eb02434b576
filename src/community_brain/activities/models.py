"""Community life: rooms (活动室 — the 牵手屋 with its elders' and children's sides, the yoga
and table-tennis rooms) with opening hours and bookings; activities (lectures, free clinics,
the neighbours' festival) with sign-ups, a waiting list, check-in and photos; volunteers
(志愿者) and their service hours."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from community_brain.activities import choices
from community_brain.activities.querysets import (
    ActivityQuerySet,
    BookingQuerySet,
    CommunityQuerySet,
    RoomQuerySet,
    SignupQuerySet,
)
from community_brain.core.models import TimeStampedModel


class Room(TimeStampedModel):
    """活动室: a room residents may book, with its capacity and weekly opening hours."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="rooms"
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=60)
    area_m2 = models.PositiveSmallIntegerField(_("area (m²)"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity (people)"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_active = models.BooleanField(_("open for booking"), default=True)

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["community", "code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="room_code_unique"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One opening interval of a room on a weekday (a day may have two: morning, afternoon)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=choices.Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["room", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="hours_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Booking(TimeStampedModel):
    """预约: a room taken for a time. Two bookings of a room never overlap: the service takes
    the room's row lock before it checks (see ``rooms.book``)."""

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    purpose = models.CharField(_("purpose"), max_length=100)
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="room_bookings"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.BookingStatus.choices,
        default=choices.BookingStatus.BOOKED,
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    activity = models.ForeignKey(
        "Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["room", "starts_at"], name="booking_room_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_order"),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class Activity(TimeStampedModel):
    """活动: a lecture, a free clinic, a festival… at a time, in a room or at an address, for
    a number of people; more sign-ups than places go on the waiting list."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=choices.ActivityKind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    room = models.ForeignKey(
        Room,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("room"),
    )
    address = models.CharField(_("address"), max_length=120, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"))
    organiser = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organiser"),
    )
    is_published = models.BooleanField(_("open for sign-up"), default=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="activity_order"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="activity_capacity"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def place(self) -> str:
        return self.room.name if self.room_id else self.address


class Signup(TimeStampedModel):
    """报名: a person's place at an activity — confirmed, waiting (in order) or cancelled.
    Either a signed-in resident (``user``) or someone staff signed up (``resident``)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity_signups",
    )
    resident = models.ForeignKey(
        "places.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=choices.SignupStatus.choices, db_index=True
    )
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_up_at = models.DateTimeField(_("signed up at"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    objects = SignupQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["activity", "signed_up_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"],
                condition=~Q(status="cancelled") & Q(user__isnull=False),
                name="signup_user_once",
            ),
            models.UniqueConstraint(
                fields=["activity", "resident"],
                condition=~Q(status="cancelled") & Q(resident__isnull=False),
                name="signup_resident_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.activity}"


class ActivityPhoto(models.Model):
    """A photo of an activity (re-encoded without EXIF by ``core.images``)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"), upload_to="activities/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["activity", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.caption or f"{self.activity} #{self.pk}"


class Volunteer(TimeStampedModel):
    """志愿者: a person who gives time to the community."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="volunteers"
    )
    resident = models.ForeignKey(
        "places.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["community", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceRecord(models.Model):
    """服务记录: hours a volunteer served on a day, at an activity or otherwise."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="records")
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="service"
    )
    served_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    description = models.CharField(_("what was done"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="service_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.served_on} {self.hours}h"
