"""Volunteers (志愿者) and their service hours: register a volunteer, record hours, and the
hours per volunteer."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from community_brain.activities import permissions
from community_brain.activities.forms import ServiceForm, VolunteerForm
from community_brain.activities.models import ServiceRecord, Volunteer
from community_brain.core import audit, clock
from community_brain.core.errors import InvalidInput, validated
from community_brain.core.identifiers import mask_name


def register(*, by, community, data: Mapping, resident=None) -> Volunteer:
    permissions.require(permissions.is_staff(by, community.pk), "register volunteers")
    form = validated(VolunteerForm(data=data))
    with transaction.atomic():
        volunteer = Volunteer.objects.create(
            community=community,
            resident=resident,
            name=form["name"].strip(),
            phone=form["phone"].strip(),
            skills=form["skills"].strip(),
        )
        audit.record("volunteer.registered", volunteer, actor=by, summary=mask_name(volunteer.name))
    return volunteer


def record_service(*, by, volunteer: Volunteer, data: Mapping, activity=None) -> ServiceRecord:
    permissions.require(permissions.is_staff(by, volunteer.community_id), "record service hours")
    form = validated(ServiceForm(data=data))
    if form["served_on"] > clock.today():
        raise InvalidInput.single("served_on", _("Hours cannot be recorded for a future day."))
    if activity is not None and activity.community_id != volunteer.community_id:
        raise InvalidInput.single("activity", _("This activity is in another community."))
    with transaction.atomic():
        record = ServiceRecord.objects.create(
            volunteer=volunteer,
            activity=activity,
            served_on=form["served_on"],
            hours=form["hours"],
            description=form["description"],
            recorded_by=by,
            recorded_at=clock.now(),
        )
        audit.record(
            "volunteer.service_recorded",
            record,
            actor=by,
            summary=f"{mask_name(volunteer.name)} {record.hours}h",
        )
    return record


def hours_per_volunteer(volunteers, *, since=None, until=None):
    """Volunteers annotated with ``total_hours`` and ``times`` (optionally within dates)."""
    filters = {}
    if since is not None:
        filters["records__served_on__gte"] = since
    if until is not None:
        filters["records__served_on__lte"] = until
    q = Q(**filters)
    return volunteers.annotate(
        total_hours=Sum("records__hours", filter=q, default=Decimal("0")),
        times=Count("records", filter=q),
    ).order_by("-total_hours", "name")
