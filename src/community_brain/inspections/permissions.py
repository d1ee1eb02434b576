"""Who may do what in defect-period inspection.

The owner's and the supervision office's inspectors record rounds, issue notices, re-check
and close them off; the owner records deposit deductions; the supervision office (or the
owner) issues the termination certificate. A contractor's people see their own sections,
acknowledge the notices addressed to them and reply. Administrators may do everything.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import Role


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and access_for(user).is_admin


def organisation_ids(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return access_for(user).organisation_ids


def _inspector_orgs(user) -> frozenset[int]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        g.organisation_id
        for g in access_for(user).grants
        if g.role == Role.INSPECTOR and g.organisation_id
    )


def is_inspector(user, project) -> bool:
    """Records rounds, issues notices, re-checks: the owner's or the supervision's inspector."""
    return is_admin(user) or bool(
        _inspector_orgs(user) & {project.owner_id, project.supervision_id}
    )


def is_owner(user, project) -> bool:
    return is_admin(user) or project.owner_id in _inspector_orgs(user)


def is_contractor(user, section) -> bool:
    return is_admin(user) or section.contractor_id in organisation_ids(user)


def require(allowed: bool, what: str) -> None:
    if not allowed:
        raise PermissionDenied(what)


def may_see_any(user) -> bool:
    """Whether the navigation shows inspections at all."""
    if is_admin(user):
        return True
    return access_for(user).has_role(Role.INSPECTOR, Role.CONTRACTOR)
