"""Reading inspections: the rectification ledger with its filters, each section's standing
(period, deposit, open defects), plan due dates, and the figures behind the charts."""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from community_brain.inspections.choices import OPEN_FINDINGS, RECTIFICATION_DUE, FindingStatus
from community_brain.inspections.models import Finding, Plan, Section
from community_brain.inspections.stakes import StakeError, parse_range

LEDGER_FILTERS = ("section", "category", "severity", "status", "notice", "stake", "q")


def findings(project):
    from community_brain.cases.models import CasePhoto

    photos = (
        CasePhoto.objects.filter(case_id=OuterRef("case_id"), stage="report")
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Finding.objects.filter(section__project=project)
        .select_related(
            "round",
            "section__contractor",
            "category",
            "defect_type",
            "severity",
            "notice",
            "case",
            "rechecked_by",
            "deduction",
        )
        .annotate(photo_count=Coalesce(Subquery(photos), 0))
    )


@dataclass
class LedgerFilter:
    params: dict
    error: str = ""


def filter_ledger(qs, params, today: date) -> tuple:
    """Apply the ledger's filters; a bad stake filter is reported, not raised."""
    chosen = {k: params.get(k, "").strip() for k in LEDGER_FILTERS if params.get(k, "").strip()}
    error = ""
    if chosen.get("section", "").isdigit():
        qs = qs.filter(section_id=int(chosen["section"]))
    if chosen.get("category"):
        qs = qs.filter(category__code=chosen["category"])
    if chosen.get("severity"):
        qs = qs.filter(severity__code=chosen["severity"])
    status = chosen.get("status")
    if status == "overdue":
        qs = qs.overdue(today)
    elif status == "open":
        qs = qs.filter(status__in=OPEN_FINDINGS)
    elif status in FindingStatus.values:
        qs = qs.filter(status=status)
    if chosen.get("notice") == "none":
        qs = qs.filter(Q(notice__isnull=True) | Q(notice__status="draft"))
    if chosen.get("stake"):
        try:
            wanted = parse_range(chosen["stake"])
        except StakeError as exc:
            error = str(exc)
        else:
            qs = qs.filter(start_m__lte=wanted.end.metres, end_m__gte=wanted.start.metres)
    if chosen.get("q"):
        q = chosen["q"]
        qs = qs.filter(
            Q(number__icontains=q) | Q(description__icontains=q) | Q(defect_type__name__icontains=q)
        )
    return qs, LedgerFilter(chosen, error)


@dataclass
class SectionStanding:
    section: Section
    open: int
    overdue: int
    total: int
    deducted: Decimal
    days_left: int

    @property
    def period_days(self) -> int:
        return max(1, (self.section.period_ends - self.section.handover_date).days)

    @property
    def elapsed_days(self) -> int:
        return min(self.period_days, max(0, self.period_days - self.days_left))

    @property
    def deposit_left(self) -> Decimal:
        return self.section.deposit - self.deducted


def standings(project, today: date) -> list[SectionStanding]:
    sections = (
        project.sections.select_related("contractor", "certificate")
        .annotate(
            n_total=Count("findings", distinct=True),
            n_open=Count("findings", filter=Q(findings__status__in=OPEN_FINDINGS), distinct=True),
            n_overdue=Count(
                "findings",
                filter=Q(
                    findings__status__in=RECTIFICATION_DUE,
                    findings__deadline__lt=today,
                ),
                distinct=True,
            ),
        )
        .order_by("start_m")
    )
    deducted = dict(
        Section.objects.filter(project=project)
        .annotate(s=Sum("deductions__amount"))
        .values_list("pk", "s")
    )
    return [
        SectionStanding(
            section=s,
            open=s.n_open,
            overdue=s.n_overdue,
            total=s.n_total,
            deducted=deducted.get(s.pk) or Decimal("0.00"),
            days_left=(s.period_ends - today).days,
        )
        for s in sections
    ]


@dataclass
class PlanDue:
    plan: Plan
    done: list  # due dates with a round recorded under the plan within the step
    missed: list
    next_due: date | None


def plan_status(project, today: date) -> list[PlanDue]:
    out = []
    for plan in project.plans.prefetch_related("participants"):
        dates = [d for d in plan.due_dates(today) if d <= today]
        held = sorted(plan.rounds.values_list("inspected_on", flat=True))
        done, missed = [], []
        for due in dates:
            window_end = due.toordinal() + 31 * plan.step_months
            (
                done if any(due.toordinal() <= h.toordinal() < window_end for h in held) else missed
            ).append(due)
        upcoming = [d for d in plan.due_dates(date(today.year + 2, 12, 31)) if d > today]
        out.append(PlanDue(plan, done, missed[-3:], upcoming[0] if upcoming else None))
    return out


def monthly(project, months: list[str]) -> dict[str, list[int]]:
    """Findings per month (``YYYY-MM``) by facility category, for a stacked chart."""
    rows = Finding.objects.filter(section__project=project).values_list(
        "round__inspected_on", "category__name"
    )
    tally = Tally((f"{d:%Y-%m}", name) for d, name in rows)
    names = sorted({name for _m, name in tally})
    return {name: [tally.get((m, name), 0) for m in months] for name in names}


def status_counts(project, today: date) -> dict[str, int]:
    qs = Finding.objects.filter(section__project=project)
    counts = dict.fromkeys(FindingStatus.values, 0)
    counts.update(qs.values_list("status").annotate(n=Count("pk")).order_by())
    counts["open_total"] = sum(counts[s] for s in OPEN_FINDINGS)
    counts["overdue"] = qs.overdue(today).count()
    return counts
