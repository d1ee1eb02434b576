"""Who may do what with the lists: the establishment office (编办) and administrators run
the checks and see every department's tasks; a department's officers answer their own
department's claim tasks. The public site needs no login."""

from __future__ import annotations

from community_brain.accounts.models import Membership
from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import OrganisationKind


def is_office(user) -> bool:
    """The establishment office's people (or an administrator): the lists' keepers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if access_for(user).is_admin:
        return True
    return Membership.objects.filter(
        user=user, is_active=True, organisation__kind=OrganisationKind.ESTABLISHMENT_OFFICE
    ).exists()


def departments_of(user) -> list[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(user=user, is_active=True, organisation__isnull=False)
        .values_list("organisation_id", flat=True)
        .distinct()
    )


def may_answer(user, task) -> bool:
    """Claim or decline: the task's department, or the office on its behalf."""
    return is_office(user) or (
        task.department_id is not None and task.department_id in departments_of(user)
    )


def tasks_visible_to(user, qs):
    if is_office(user):
        return qs
    return qs.filter(department_id__in=departments_of(user))
