"""Which issues a person may see in the back office."""

from __future__ import annotations

from django.db.models import Q

from community_brain.accounts.permissions import access_for
from community_brain.activities.permissions import is_admin, staff_community_ids
from community_brain.bulletins.models import Issue


def issues_for(user):
    """Staff see their communities' issues; a property company's or developer's staff the
    issues with a section of a compound their organisation manages or built."""
    if is_admin(user):
        return Issue.objects.all()
    orgs = access_for(user).organisation_ids
    return Issue.objects.filter(
        Q(community_id__in=staff_community_ids(user))
        | Q(
            pk__in=Issue.objects.filter(
                Q(sections__compound__property_company_id__in=orgs)
                | Q(sections__compound__developer_id__in=orgs)
            ).values("pk")
        )
    )
