"""What every report looks up — active categories, compounds with their companies, routing
rules, each community's committee — held as per-process snapshots (``core.snapshots``)."""

from __future__ import annotations

from community_brain.accounts.models import Organisation
from community_brain.accounts.roles import OrganisationKind
from community_brain.cases.models import Category, RoutingRule
from community_brain.core.snapshots import Snapshot
from community_brain.places.models import Community, Compound


def _categories() -> dict[int, Category]:
    rows = Category.objects.filter(is_active=True).select_related("parent")
    return {c.pk: c for c in rows}


def _compounds() -> dict[int, Compound]:
    rows = Compound.objects.select_related("community", "property_company", "developer")
    return {c.pk: c for c in rows}


def _rules() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(is_active=True).select_related(
            "organisation", "category__parent", "compound"
        )
    )


def _committees() -> dict[int, Organisation]:
    committees = Organisation.objects.filter(
        kind=OrganisationKind.COMMUNITY_COMMITTEE, is_active=True
    ).order_by("name", "pk")
    # Reversed, so that the first in order wins, as ``.first()`` would choose.
    return {org.community_id: org for org in reversed(committees)}


categories = Snapshot(_categories, models=(Category,))
compounds = Snapshot(_compounds, models=(Compound, Community, Organisation))
rules = Snapshot(_rules, models=(RoutingRule, Category, Compound, Organisation))
committees = Snapshot(_committees, models=(Organisation,))
