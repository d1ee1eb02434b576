"""Who each workbench serves, and where ``/workbench/`` sends a person: grid workers to their
phone home, handlers (department officers, property-company staff, contractors) to the inbox,
community staff and system administrators to the overview, everyone else to the home page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from community_brain.accounts.permissions import Access, access_for
from community_brain.accounts.roles import Role
from community_brain.accounts.views import primary_role

GRID_ROLES = frozenset({Role.GRID_WORKER})
INBOX_ROLES = frozenset({Role.DEPARTMENT_OFFICER, Role.PROPERTY_STAFF, Role.CONTRACTOR})
OVERVIEW_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.SYSTEM_ADMIN})

LANDING = {
    Role.GRID_WORKER: "workbench:grid",
    Role.DEPARTMENT_OFFICER: "workbench:inbox",
    Role.PROPERTY_STAFF: "workbench:inbox",
    Role.CONTRACTOR: "workbench:inbox",
    Role.COMMUNITY_STAFF: "workbench:overview",
    Role.SYSTEM_ADMIN: "workbench:overview",
}


def landing_for(access: Access) -> str:
    """The URL name of the page a person's primary role lands on."""
    return LANDING.get(primary_role(access), "home")


def require_role(user, roles: frozenset[str]) -> Access:
    """The user's access, or 403 when none of their roles is one the page serves. A person
    with several roles may open every page one of them serves."""
    access = access_for(user)
    if not access.has_role(*roles):
        raise PermissionDenied
    return access
