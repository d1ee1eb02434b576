"""Defect-period inspection: projects and their contract sections, the checklist (facility
categories, inspection items, defect types, severities), plans and rounds, findings, the
rectification notices (整改通知单) with their replies, deposit deductions and the
termination certificate (缺陷责任期终止证书).

A finding is the inspection's record of a defect; its case in the case ledger carries the
routing, the deadline and the timeline. The two move together through ``services``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community_brain.core.models import TimeStampedModel
from community_brain.inspections import choices
from community_brain.inspections.stakes import format_stake

MAX_EXTENSION_MONTHS = 24  # a repaired main part extends the period, at most two years


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(day.day, last))


class ProjectQuerySet(models.QuerySet):
    def for_user(self, user):
        """The projects a person's organisations own, supervise or build; all for admins."""
        from community_brain.inspections import permissions

        if permissions.is_admin(user):
            return self
        orgs = permissions.organisation_ids(user)
        return self.filter(
            Q(owner_id__in=orgs) | Q(supervision_id__in=orgs) | Q(sections__contractor_id__in=orgs)
        ).distinct()


class Project(TimeStampedModel):
    """A road project in its defect liability period (e.g. G233 克黄线大中修工程)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    route_code = models.CharField(_("route"), max_length=12, help_text=_("e.g. G233"))
    route_name = models.CharField(_("route name"), max_length=40, blank=True)
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="owned_projects",
        verbose_name=_("owner (业主)"),
    )
    supervision = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="supervised_projects",
        verbose_name=_("supervision office (总监办)"),
    )
    ledger = models.ForeignKey(
        "places.Community",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case ledger"),
        help_text=_("Whose case ledger numbers the project's defects."),
    )
    notice_prefix = models.CharField(
        _("notice number prefix"), max_length=20, help_text=_("e.g. G233-ZG")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Section(TimeStampedModel):
    """A contract section (合同段) with its own contractor, hand-over date and period."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    start_m = models.FloatField(_("start (m)"))
    end_m = models.FloatField(_("end (m)"))
    contractor = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="contracted_sections",
        verbose_name=_("contractor (施工单位)"),
    )
    handover_date = models.DateField(_("hand-over date (交工日期)"))
    period_months = models.PositiveSmallIntegerField(
        _("defect liability period (months)"), default=24
    )
    extension_months = models.PositiveSmallIntegerField(_("extension (months)"), default=0)
    contract_sum = models.DecimalField(
        _("settled contract sum (元)"), max_digits=14, decimal_places=2
    )
    deposit_rate = models.DecimalField(
        _("quality deposit rate"), max_digits=4, decimal_places=3, default=Decimal("0.030")
    )

    class Meta:
        verbose_name = _("contract section")
        verbose_name_plural = _("contract sections")
        ordering = ["project", "start_m"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="section_code_unique"),
            models.CheckConstraint(
                condition=Q(end_m__gt=models.F("start_m")), name="section_range"
            ),
            models.CheckConstraint(
                condition=Q(deposit_rate__lte=Decimal("0.030")), name="section_deposit_cap"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.route_code} {self.name}"

    @property
    def stakes(self) -> str:
        return f"{format_stake(self.start_m)}~{format_stake(self.end_m)}"

    @property
    def period_ends(self) -> date:
        return add_months(self.handover_date, self.period_months + self.extension_months)

    @property
    def deposit(self) -> Decimal:
        return (self.contract_sum * self.deposit_rate).quantize(Decimal("0.01"))

    def covers(self, metres: float) -> bool:
        return self.start_m <= metres <= self.end_m


class FacilityCategory(models.Model):
    """设施类别: structures, drainage, traffic-safety facilities, signs and markings…"""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    case_category = models.ForeignKey(
        "cases.Category",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("case category"),
    )

    class Meta:
        verbose_name = _("facility category")
        verbose_name_plural = _("facility categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class CheckItem(models.Model):
    """检查项目: what an inspector looks at within a category (e.g. 波形梁护栏)."""

    category = models.ForeignKey(FacilityCategory, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("name"), max_length=40)
    checks = models.CharField(_("what to check"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        ordering = ["category", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Severity(models.Model):
    """A step of the severity scale, with the rectification time it allows."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the lightest."))
    workdays = models.PositiveSmallIntegerField(_("working days to rectify"))

    class Meta:
        verbose_name = _("severity")
        verbose_name_plural = _("severities")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class DefectType(models.Model):
    """缺陷类型 (e.g. 反光膜粘贴不牢), with the severity it usually has."""

    item = models.ForeignKey(CheckItem, on_delete=models.CASCADE, related_name="defect_types")
    name = models.CharField(_("name"), max_length=60)
    default_severity = models.ForeignKey(
        Severity, on_delete=models.PROTECT, related_name="+", verbose_name=_("usual severity")
    )
    requirement = models.CharField(
        _("rectification requirement"),
        max_length=200,
        blank=True,
        help_text=_("The usual wording on a notice, e.g. 损坏的轮廓标须修复."),
    )

    class Meta:
        verbose_name = _("defect type")
        verbose_name_plural = _("defect types")
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return self.name


class Plan(TimeStampedModel):
    """A periodic joint inspection (e.g. quarterly, owner + supervision + contractor)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(_("title"), max_length=80)
    frequency = models.CharField(_("frequency"), max_length=12, choices=choices.Frequency.choices)
    starts_on = models.DateField(_("first round due"))
    ends_on = models.DateField(_("last round due by"), null=True, blank=True)
    participants = models.ManyToManyField(
        "accounts.Organisation", related_name="+", verbose_name=_("participating units")
    )
    scope = models.CharField(_("what to inspect"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["project", "starts_on"]

    def __str__(self) -> str:
        return self.title

    @property
    def step_months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "half_yearly": 6}[self.frequency]

    def due_dates(self, until: date) -> list[date]:
        out, n = [], 0
        last = min(until, self.ends_on) if self.ends_on else until
        while (due := add_months(self.starts_on, n * self.step_months)) <= last:
            out.append(due)
            n += 1
        return out


class Round(TimeStampedModel):
    """巡查记录: one joint inspection on one day."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="rounds")
    plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rounds",
        verbose_name=_("plan"),
    )
    inspected_on = models.DateField(_("date"), db_index=True)
    weather = models.CharField(_("weather"), max_length=10, choices=choices.Weather.choices)
    route = models.CharField(_("route covered"), max_length=120)
    participants = models.JSONField(
        _("participants"), default=list, help_text=_("[{name, unit}] of everyone who took part")
    )
    units = models.ManyToManyField(
        "accounts.Organisation", related_name="+", verbose_name=_("participating units")
    )
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    client_token = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["-inspected_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_token"],
                condition=~Q(client_token=""),
                name="round_client_token_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.route_code} {self.inspected_on:%Y-%m-%d}"


class FindingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=choices.OPEN_FINDINGS)

    def overdue(self, today: date):
        return self.filter(status__in=choices.RECTIFICATION_DUE, deadline__lt=today)


class Finding(TimeStampedModel):
    """A defect found on a round: where, what, how bad, until when."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="findings")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="findings")
    number = models.CharField(_("defect number"), max_length=30, unique=True)
    start_m = models.FloatField(_("stake from (m)"))
    end_m = models.FloatField(_("stake to (m)"))
    side = models.CharField(_("side"), max_length=5, choices=choices.Side.choices, blank=True)
    category = models.ForeignKey(FacilityCategory, on_delete=models.PROTECT, related_name="+")
    defect_type = models.ForeignKey(
        DefectType, on_delete=models.PROTECT, related_name="+", verbose_name=_("defect type")
    )
    severity = models.ForeignKey(Severity, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=500)
    quantity = models.CharField(_("quantity"), max_length=40, blank=True)
    deadline = models.DateField(_("rectify by"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.FindingStatus.choices,
        default=choices.FindingStatus.OPEN,
        db_index=True,
    )
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="inspection_finding"
    )
    notice = models.ForeignKey(
        "Notice", on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    measures = models.TextField(_("rectification measures"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    closed_by = models.CharField(
        _("closed how"), max_length=12, choices=choices.ClosedBy.choices, blank=True
    )
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recheck_opinion = models.CharField(_("re-check opinion"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed off at"), null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-round__inspected_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_m__gte=models.F("start_m")), name="finding_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.stakes} {self.defect_type}"

    @property
    def stakes(self) -> str:
        start = format_stake(self.start_m, self.side)
        if self.end_m == self.start_m:
            return start
        return f"{start}~{format_stake(self.end_m, self.side)}"

    @property
    def side_zh(self) -> str:
        """The side as the paper forms write it, whatever the page's language."""
        return {"left": "左幅", "right": "右幅"}.get(self.side, "")

    def is_overdue(self, today: date) -> bool:
        return self.status in choices.RECTIFICATION_DUE and self.deadline < today


class Notice(TimeStampedModel):
    """整改通知单: findings grouped for one contractor with requirements and a deadline."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="notices")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="notices")
    number = models.CharField(_("notice number"), max_length=30, unique=True)
    issuer = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    requirements = models.TextField(_("rectification requirements"), max_length=2000)
    deadline = models.DateField(_("rectify by"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.NoticeStatus.choices,
        default=choices.NoticeStatus.DRAFT,
        db_index=True,
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply = models.TextField(_("rectification reply (整改回复)"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed off at"), null=True, blank=True)
    rounds_sent_back = models.PositiveSmallIntegerField(_("times sent back"), default=0)

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.number


class NoticeEvent(models.Model):
    """The notice's history: issued, acknowledged, replied, sent back, closed off."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=20, choices=choices.NoticeStep.choices)
    at = models.DateTimeField(_("when"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.notice} {self.kind}"


class Deduction(TimeStampedModel):
    """A repair the owner had done by others, deducted from the section's quality deposit."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="deductions")
    finding = models.OneToOneField(
        Finding, on_delete=models.PROTECT, related_name="deduction", null=True, blank=True
    )
    amount = models.DecimalField(_("amount (元)"), max_digits=12, decimal_places=2)
    repaired_by = models.CharField(_("repaired by"), max_length=100)
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("deposit deduction")
        verbose_name_plural = _("deposit deductions")
        ordering = ["-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="deduction_positive")]


class Certificate(TimeStampedModel):
    """缺陷责任期终止证书, issued once per section when nothing is left open."""

    section = models.OneToOneField(Section, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    period_ended = models.DateField(_("defect liability period ended"))
    deposit = models.DecimalField(_("quality deposit (元)"), max_digits=14, decimal_places=2)
    deducted = models.DecimalField(_("deducted (元)"), max_digits=14, decimal_places=2)
    released = models.DecimalField(_("to release (元)"), max_digits=14, decimal_places=2)
    findings_total = models.PositiveIntegerField(_("defects found in the period"))

    class Meta:
        verbose_name = _("termination certificate")
        verbose_name_plural = _("termination certificates")


class Counter(models.Model):
    """The last number given to a project's findings, notices or certificates in a year."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "year"], name="insp_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"
