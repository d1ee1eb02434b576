"""Routing (派单): category × place → the responsible organisation.

The most specific active rule wins: one that names the category (or the nearest ancestor
category) beats one for any category; one that names the compound beats one for anywhere;
then the lower ``order``. A rule that points at "the compound's property company" is skipped
when the case has no compound or the compound has none. Without any rule, the community
committee takes the case.
"""

from __future__ import annotations

from django.utils.translation import get_language

from community_brain.accounts.models import Organisation
from community_brain.cases import reference
from community_brain.cases.choices import RouteTarget
from community_brain.cases.models import Category, RoutingRule


def _ancestors(category: Category) -> list[int]:
    ids, node = [], category
    while node is not None:
        ids.append(node.pk)
        node = node.parent
    return ids


def _target(rule: RoutingRule, compound) -> Organisation | None:
    if rule.target == RouteTarget.ORGANISATION:
        return rule.organisation
    if compound is None:
        return None
    if rule.target == RouteTarget.PROPERTY_COMPANY:
        return compound.property_company
    if rule.target == RouteTarget.DEVELOPER:
        return compound.developer
    return None


# The sentence naming a rule, per rule object (a snapshot's) and language: building it
# translates three labels, for every report.
_sentences: dict[tuple[int, str], tuple[RoutingRule, str]] = {}


def _why(rule: RoutingRule) -> str:
    key = (id(rule), get_language())
    hit = _sentences.get(key)
    if hit is None or hit[0] is not rule:  # a new snapshot's rule may reuse an old id
        if len(_sentences) > 1000:
            _sentences.clear()
        hit = _sentences[key] = (rule, f"rule #{rule.pk}: {rule}")
    return hit[1]


def route(category: Category, compound=None, community=None) -> tuple[Organisation | None, str]:
    """The responsible organisation and a sentence saying which rule chose it. Reads the
    rules, compounds and committees from ``cases.reference`` snapshots: no query."""
    lineage = _ancestors(category)
    if compound is not None:  # with its companies loaded
        compound = reference.compounds.get().get(compound.pk, compound)
    candidates = [
        rule
        for rule in reference.rules.get()
        if (rule.category_id is None or rule.category_id in lineage)
        and (rule.compound_id is None or (compound is not None and rule.compound_id == compound.pk))
    ]

    def rank(rule: RoutingRule):
        depth = lineage.index(rule.category_id) if rule.category_id else len(lineage)
        return (depth, 0 if rule.compound_id else 1, rule.order, rule.pk)

    for rule in sorted(candidates, key=rank):
        organisation = _target(rule, compound)
        if organisation is not None and organisation.is_active:
            return organisation, _why(rule)
    committee = reference.committees.get().get(community.pk) if community else None
    return committee, "default: the community committee"
