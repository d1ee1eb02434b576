"""Read permissions of community life, as queryset methods (``visible_to``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from community_brain.activities import permissions


class CommunityQuerySet(models.QuerySet):
    """Rows that belong to a community (``community_path``): seen by the people it serves."""

    community_path = "community_id"

    def visible_to(self, user):
        if permissions.is_admin(user):
            return self
        return self.filter(**{f"{self.community_path}__in": permissions.community_ids(user)})


class RoomQuerySet(CommunityQuerySet):
    def active(self):
        return self.filter(is_active=True)


class BookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status="booked")

    def overlapping(self, room, starts_at, ends_at):
        return self.active().filter(room=room, starts_at__lt=ends_at, ends_at__gt=starts_at)

    def visible_to(self, user):
        """Staff see every booking of their community's rooms; residents see their own."""
        if permissions.is_admin(user):
            return self
        staff = permissions.staff_community_ids(user)
        return self.filter(Q(room__community_id__in=staff) | Q(booked_by_id=user.pk))


class ActivityQuerySet(CommunityQuerySet):
    def published(self):
        return self.filter(is_published=True)


class SignupQuerySet(models.QuerySet):
    def visible_to(self, user):
        if permissions.is_admin(user):
            return self
        staff = permissions.staff_community_ids(user)
        return self.filter(Q(activity__community_id__in=staff) | Q(user_id=user.pk))
