"""The on-call rota (值班表): who is on duty now, who is next in the escalation chain, and a
month of shifts for the calendar page.

The rota alone decides who is on duty: a public holiday or a weekend is whatever shifts the
organisation entered for it, never a rule of the calendar.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from community_brain.accounts.models import Membership, Organisation, User
from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import Role
from community_brain.notify.models import Shift


def _unique(users) -> list[User]:
    seen, out = set(), []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


def rostered(*, organisation=None, compound=None, at: datetime | None = None) -> list[User]:
    """People whose shift covers the moment, in the rota's order (compound shifts first)."""
    at = at or timezone.now()
    shifts = Shift.objects.filter(starts_at__lte=at, ends_at__gt=at, user__is_active=True)
    if organisation is not None:
        shifts = shifts.filter(organisation=organisation)
    if compound is not None:
        shifts = shifts.filter(Q(compound=compound) | Q(compound__isnull=True))
        shifts = shifts.annotate(
            general=Case(
                When(compound__isnull=True, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        ).order_by("general", "order", "starts_at", "id")
    else:
        shifts = shifts.order_by("order", "starts_at", "id")
    return _unique(s.user for s in shifts.select_related("user"))


def leaders(organisation) -> list[User]:
    """The organisation's leaders (Membership.is_leader), who receive escalations last."""
    if organisation is None:
        return []
    members = (
        Membership.objects.filter(
            organisation=organisation, is_leader=True, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("id")
    )
    return _unique(m.user for m in members)


def on_duty(*, organisation=None, compound=None, at: datetime | None = None) -> list[User]:
    """Who is on duty at the moment (default: now) per the rota; when nobody is rostered,
    the organisation's leaders (for a compound without an organisation: its property
    company's leaders)."""
    people = rostered(organisation=organisation, compound=compound, at=at)
    if people:
        return people
    if organisation is None and compound is not None:
        organisation = compound.property_company
    return leaders(organisation)


def first_responders(*, organisation=None, compound=None, at: datetime | None = None):
    """Those called first: the rostered people with the lowest order (compound shifts
    before the organisation's general ones); the leaders when nobody is rostered."""
    at = at or timezone.now()
    people = rostered(organisation=organisation, compound=compound, at=at)
    if not people:
        return on_duty(organisation=organisation, compound=compound, at=at)
    shifts = Shift.objects.filter(
        starts_at__lte=at, ends_at__gt=at, user__in=[p.pk for p in people]
    )
    if organisation is not None:
        shifts = shifts.filter(organisation=organisation)
    if compound is not None and shifts.filter(compound=compound).exists():
        shifts = shifts.filter(compound=compound)
    first = min(s.order for s in shifts)
    firsts = {s.user_id for s in shifts if s.order == first}
    return [p for p in people if p.pk in firsts]


def chain(*, organisation=None, compound=None, at: datetime | None = None) -> list[User]:
    """The escalation chain at a moment: whoever is on duty in the rota's order, then the
    organisation's leaders."""
    return _unique(
        [*rostered(organisation=organisation, compound=compound, at=at), *leaders(organisation)]
    )


def home_organisation(user, at: datetime | None = None):
    """The organisation a person answers for: the one of their current shift, else of their
    leadership, else of their first membership."""
    pk = home_organisation_ids([user.pk], at)[user.pk]
    return Organisation.objects.filter(pk=pk).first() if pk else None


def home_organisation_ids(user_ids, at: datetime | None = None) -> dict[int, int | None]:
    """``home_organisation`` of many people at once, as organisation ids: two queries for a
    whole batch of urgent notices."""
    at = at or timezone.now()
    homes: dict[int, int | None] = {}
    shifts = (
        Shift.objects.filter(user_id__in=user_ids, starts_at__lte=at, ends_at__gt=at)
        .order_by("user_id", "order", "id")
        .values_list("user_id", "organisation_id")
    )
    for user_id, organisation_id in shifts:
        homes.setdefault(user_id, organisation_id)
    rest = [pk for pk in user_ids if pk not in homes]
    if rest:
        memberships = (
            Membership.objects.filter(user_id__in=rest, is_active=True, organisation__isnull=False)
            .order_by("user_id", "-is_leader", "id")
            .values_list("user_id", "organisation_id")
        )
        for user_id, organisation_id in memberships:
            homes.setdefault(user_id, organisation_id)
    return {pk: homes.get(pk) for pk in user_ids}


# --- who may see and keep a rota ----------------------------------------------------------
def organisations_visible_to(user):
    """Organisations whose rota the person may see: their own (everything for an admin)."""
    access = access_for(user)
    qs = Organisation.objects.filter(is_active=True)
    if access.is_admin:
        return qs
    return qs.filter(pk__in=access.organisation_ids)


def can_manage(user, organisation) -> bool:
    """An admin, a leader of the organisation, or community staff in it may keep its rota."""
    access = access_for(user)
    if access.is_admin:
        return True
    if organisation is None or user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        Q(is_leader=True) | Q(role=Role.COMMUNITY_STAFF),
        user=user,
        organisation=organisation,
        is_active=True,
    ).exists()


def shifts_visible_to(user):
    return Shift.objects.filter(organisation__in=organisations_visible_to(user))


# --- the calendar page --------------------------------------------------------------------
@dataclass(frozen=True)
class Segment:
    """The part of a shift that falls on one day of the calendar."""

    shift: Shift
    starts_today: bool
    ends_today: bool


@dataclass
class Day:
    date: date
    in_month: bool
    is_today: bool
    shifts: list[Segment] = field(default_factory=list)


def month(organisation, year: int, month_number: int) -> list[list[Day]]:
    """Weeks (Monday first) of the month, each day with the shifts that touch it."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month_number)
    first, last = weeks[0][0], weeks[-1][-1]
    tz = timezone.get_current_timezone()
    start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    shifts = list(
        Shift.objects.filter(organisation=organisation, starts_at__lt=end, ends_at__gt=start)
        .select_related("user", "compound")
        .order_by("starts_at", "order", "id")
    )
    today = timezone.localdate()
    out = []
    for week in weeks:
        row = []
        for day in week:
            day_start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
            day_end = day_start + timedelta(days=1)
            row.append(
                Day(
                    date=day,
                    in_month=day.month == month_number,
                    is_today=day == today,
                    shifts=[
                        Segment(s, s.starts_at >= day_start, s.ends_at <= day_end)
                        for s in shifts
                        if s.starts_at < day_end and s.ends_at > day_start
                    ],
                )
            )
        out.append(row)
    return out
