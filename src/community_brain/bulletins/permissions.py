"""Who may do what with the bulletin.

The community's staff (and administrators) make the issues: they edit every part, review
the compound sections and publish. A property company's or developer's staff write the
compound-work section of the compounds their organisation manages or built.
"""

from __future__ import annotations

from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import Role
from community_brain.activities.permissions import is_staff, require, staff_community_ids

__all__ = ["is_staff", "may_see_any", "may_write_compound", "require"]


def may_write_compound(user, section) -> bool:
    if is_staff(user, section.issue.community_id):
        return True
    compound = section.compound
    if compound is None:
        return False
    orgs = {g.organisation_id for g in access_for(user).grants if g.role == Role.PROPERTY_STAFF}
    return bool(orgs & {compound.property_company_id, compound.developer_id} - {None})


def may_see_any(user) -> bool:
    access = access_for(user)
    return (
        access.is_admin or bool(staff_community_ids(user)) or access.has_role(Role.PROPERTY_STAFF)
    )
