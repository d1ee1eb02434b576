"""The demo's on-call rota (值班表): the community committee's grid workers take day and night
shifts in turn, with a community staff member second in the chain; each property company's
staff member is on call round the clock. Two months around the day the demo is seeded, so
the calendar and "on duty now" are alive whenever one looks."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from community_brain.accounts.models import Membership, Organisation, User
from community_brain.accounts.roles import OrganisationKind, Role
from community_brain.notify.models import Shift

DAY, NIGHT = time(8, 0), time(18, 0)


def _at(day, moment: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


def seed(today=None) -> int:
    """Shifts from 30 days ago to 31 days ahead, for organisations that have none yet."""
    today = today or timezone.localdate()
    days = [today + timedelta(days=n) for n in range(-30, 32)]
    rows: list[Shift] = []
    committee = Organisation.objects.filter(code="qc-committee").first()
    if committee is not None and not Shift.objects.filter(organisation=committee).exists():
        workers = list(
            User.objects.filter(
                memberships__organisation=committee,
                memberships__role=Role.GRID_WORKER,
                is_active=True,
            ).order_by("username")
        )
        backups = list(
            User.objects.filter(username__in=["staff", "secretary"]).order_by("username")
        )
        for n, day in enumerate(days):
            if not workers or not backups:
                break
            day_worker, night_worker = (
                workers[(2 * n) % len(workers)],
                workers[(2 * n + 1) % len(workers)],
            )
            backup = backups[n % len(backups)]
            for start, end, person in (
                (_at(day, DAY), _at(day, NIGHT), day_worker),
                (_at(day, NIGHT), _at(day + timedelta(days=1), DAY), night_worker),
            ):
                rows.append(
                    Shift(
                        organisation=committee,
                        user=person,
                        starts_at=start,
                        ends_at=end,
                        order=1,
                        note="网格员值班",
                    )
                )
                rows.append(
                    Shift(
                        organisation=committee,
                        user=backup,
                        starts_at=start,
                        ends_at=end,
                        order=2,
                        note="社区干部备班",
                    )
                )
    for company in Organisation.objects.filter(kind=OrganisationKind.PROPERTY_COMPANY):
        if Shift.objects.filter(organisation=company).exists():
            continue
        staff = (
            Membership.objects.filter(organisation=company, is_active=True, user__is_active=True)
            .select_related("user")
            .order_by("user__username")
            .first()
        )
        if staff is None:
            continue
        rows.extend(
            Shift(
                organisation=company,
                user=staff.user,
                starts_at=_at(day, DAY),
                ends_at=_at(day + timedelta(days=1), DAY),
                order=1,
                note="物业24小时值班",
            )
            for day in days
        )
    with transaction.atomic():
        Shift.objects.bulk_create(rows)
    return len(rows)
