"""Who may do what with rooms and activities.

Community staff of a community (and administrators) run its rooms, activities and volunteer
records, and sign elderly residents up on their behalf. Residents of the community book
rooms and sign themselves up. Everyone else may look.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import Role


def is_admin(user) -> bool:
    return access_for(user).is_admin


def staff_community_ids(user) -> frozenset[int]:
    return frozenset(
        c
        for g in access_for(user).grants
        if g.role == Role.COMMUNITY_STAFF
        for c in g.community_ids
    )


def resident_community_ids(user) -> frozenset[int]:
    return frozenset(
        c for g in access_for(user).grants if g.role == Role.RESIDENT for c in g.community_ids
    )


def community_ids(user) -> frozenset[int]:
    return frozenset(c for g in access_for(user).grants for c in g.community_ids)


def is_staff(user, community_id: int) -> bool:
    return is_admin(user) or community_id in staff_community_ids(user)


def is_resident(user, community_id: int) -> bool:
    return community_id in resident_community_ids(user)


def may_take_part(user, community_id: int) -> bool:
    """Book a room or sign up for an activity: the community's residents and staff."""
    return is_staff(user, community_id) or is_resident(user, community_id)


def may_see_any(user) -> bool:
    access = access_for(user)
    return access.is_admin or access.has_role(Role.COMMUNITY_STAFF, Role.RESIDENT)


def require(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(what)
