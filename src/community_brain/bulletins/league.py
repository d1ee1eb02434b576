"""The property-company league (赶、学、比、超): each property company and developer of the
community's compounds compared on the fortnight's ledger figures — cases, on-time rate,
satisfaction — and the good deeds their compound sections published, with the change
since the last issue. Frozen into the issue when it is published."""

from __future__ import annotations

from django.db.models import Q

from community_brain.accounts.models import Organisation
from community_brain.bulletins import periods
from community_brain.bulletins.choices import SectionKind, SectionReview
from community_brain.cases import queries as case_queries
from community_brain.cases.models import Case
from community_brain.places.models import Compound

COLUMNS = ("cases", "on_time_rate", "satisfaction_rate", "deeds")


def rows(issue) -> list[dict]:
    """One row per company: its figures over the cases of the compounds it manages or built."""
    compounds = Compound.objects.filter(community=issue.community)
    org_ids = set(compounds.values_list("property_company_id", flat=True))
    org_ids |= set(compounds.values_list("developer_id", flat=True))
    begin, stop = periods.bounds(issue.period_start, issue.period_end)
    cases = Case.objects.filter(
        community=issue.community, reported_at__gte=begin, reported_at__lt=stop
    )
    deeds = {
        s.compound_id: s.deeds
        for s in issue.sections.filter(
            kind=SectionKind.COMPOUND, review=SectionReview.APPROVED
        ).only("compound_id", "deeds")
    }
    out = []
    for org in Organisation.objects.filter(pk__in=org_ids - {None}).order_by("kind", "name"):
        theirs = compounds.filter(Q(property_company=org) | Q(developer=org))
        ids = list(theirs.values_list("id", flat=True))
        numbers = case_queries.figures(cases.filter(compound_id__in=ids))
        out.append(
            {
                "organisation": org.pk,
                "name": org.short_name or org.name,
                "kind": org.kind,
                "compounds": [c.name for c in theirs],
                "cases": numbers["total"],
                "on_time_rate": numbers["on_time_rate"],
                "satisfaction_rate": numbers["satisfaction_rate"],
                "deeds": sum(deeds.get(i, 0) for i in ids),
            }
        )
    return out


def with_trend(current: list[dict], previous: list[dict]) -> list[dict]:
    """Each row with ``trend``: the change of each figure since the last issue (or None)."""
    before = {row["organisation"]: row for row in previous}
    out = []
    for row in current:
        old = before.get(row["organisation"], {})
        trend = {}
        for column in COLUMNS:
            a, b = old.get(column), row.get(column)
            trend[column] = None if a is None or b is None else round(b - a, 1)
        out.append({**row, "trend": trend})
    return out


def table(issue) -> list[dict]:
    """The league of an issue: frozen if published, else computed now; with the trend."""
    from community_brain.bulletins.models import Issue

    current = issue.league if issue.is_published and issue.league else rows(issue)
    last = (
        Issue.objects.published()
        .filter(community=issue.community, period_start__lt=issue.period_start)
        .order_by("-period_start")
        .first()
    )
    return with_trend(current, last.league if last else [])
