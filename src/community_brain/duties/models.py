"""The county's power-and-responsibility lists (权责清单) and the check against the provincial
catalogue (回头看).

An item (``DutyItem``) belongs to a department (an ``Organisation``); its code is unique for
ever — a cancelled item keeps its row and its code. Every published state of an item is a
``ItemVersion`` with the dates it was in force, so the list as of any date can be shown.
A ``CatalogueSnapshot`` is one import of the provincial catalogue; a ``CheckRun`` compares the
county's items with it and records ``Finding`` rows; each item new in the catalogue becomes a
``ClaimTask`` for the department that most likely holds it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community_brain.duties.choices import ClaimStatus, FindingKind, ItemStatus, ItemType


class DutyItemQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=ItemStatus.ACTIVE)


class DutyItem(models.Model):
    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("Never reused, even when cancelled.")
    )
    department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="duty_items",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("main item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_items",
    )
    name = models.CharField(_("name"), max_length=300)
    type = models.CharField(_("type"), max_length=2, choices=ItemType.choices)
    basis = models.TextField(
        _("legal basis"), help_text=_("Law and article, one per line, the higher law first.")
    )
    implementing_body = models.CharField(_("implementing body"), max_length=200, blank=True)
    internal_unit = models.CharField(_("internal unit"), max_length=200, blank=True)
    statutory_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)"), null=True, blank=True
    )
    promised_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), null=True, blank=True
    )
    charges_fee = models.BooleanField(_("charges a fee"), default=False)
    same_power = models.BooleanField(_("same power as the city (同权)"), default=False)
    entrusted = models.BooleanField(_("entrusted (委托)"), default=False)
    enterprise = models.BooleanField(_("concerns enterprises (涉企)"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DutyItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("list item")
        verbose_name_plural = _("list items")
        ordering = ["department", "code"]
        indexes = [models.Index(fields=["department", "type", "status"], name="duty_dept_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Responsibility(models.Model):
    """What the department answers for at one stage of the item (受理、审查、决定…)."""

    item = models.ForeignKey(
        DutyItem, on_delete=models.CASCADE, related_name="responsibilities", verbose_name=_("item")
    )
    stage = models.CharField(_("stage"), max_length=40)
    content = models.TextField(_("responsibility"))
    basis = models.TextField(_("basis"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["item", "order", "id"]

    def __str__(self) -> str:
        return f"{self.item.code} {self.stage}"


class Accountability(models.Model):
    """A situation in which someone is held to account (追责情形), with its basis."""

    item = models.ForeignKey(
        DutyItem, on_delete=models.CASCADE, related_name="accountabilities", verbose_name=_("item")
    )
    situation = models.TextField(_("situation"))
    basis = models.TextField(_("basis"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")
        ordering = ["item", "order", "id"]

    def __str__(self) -> str:
        return f"{self.item.code} {self.situation[:30]}"


class ItemVersion(models.Model):
    """One published state of an item: what the public site showed from ``valid_from`` until
    ``valid_to`` (open while in force)."""

    item = models.ForeignKey(
        DutyItem, on_delete=models.CASCADE, related_name="versions", verbose_name=_("item")
    )
    version = models.PositiveIntegerField(_("version"))
    valid_from = models.DateTimeField(_("in force from"))
    valid_to = models.DateTimeField(_("in force until"), null=True, blank=True)
    change = models.CharField(_("change"), max_length=20)  # add, change, cancel, devolve
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("published fields"))

    class Meta:
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        ordering = ["item", "version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="duty_version_unique")
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="duty_version_when_idx")]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.version}"


# --- the provincial catalogue and the check -------------------------------------------------
class CatalogueSnapshot(models.Model):
    taken_on = models.DateField(_("catalogue as of"))
    source = models.CharField(_("file"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entry_count = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("provincial catalogue snapshot")
        verbose_name_plural = _("provincial catalogue snapshots")
        ordering = ["-taken_on", "-id"]

    def __str__(self) -> str:
        return f"{self.taken_on} ({self.entry_count})"


class CatalogueEntry(models.Model):
    snapshot = models.ForeignKey(
        CatalogueSnapshot, on_delete=models.CASCADE, related_name="entries"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=300)
    type = models.CharField(_("type"), max_length=2, choices=ItemType.choices)
    basis = models.TextField(_("legal basis"), blank=True)
    department_name = models.CharField(_("department"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "code"], name="catalogue_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CheckRun(models.Model):
    snapshot = models.ForeignKey(CatalogueSnapshot, on_delete=models.CASCADE, related_name="runs")
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)
    trigger = models.CharField(_("trigger"), max_length=20)  # schedule, manual, import
    new_count = models.PositiveIntegerField(default=0)
    cancelled_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("catalogue check")
        verbose_name_plural = _("catalogue checks")
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.ran_at:%Y-%m-%d %H:%M} +{self.new_count} -{self.cancelled_count}"


class Finding(models.Model):
    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("finding"), max_length=10, choices=FindingKind.choices)
    code = models.CharField(_("code"), max_length=40)
    entry = models.ForeignKey(
        CatalogueEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        DutyItem, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    differences = models.JSONField(
        _("differences"), default=dict, blank=True
    )  # field: [county, province]

    class Meta:
        verbose_name = _("check finding")
        verbose_name_plural = _("check findings")
        ordering = ["run", "kind", "code"]

    def __str__(self) -> str:
        return f"{self.kind} {self.code}"


def evidence_path(instance, filename: str) -> str:
    return f"duties/claims/{instance.task_id}/{filename}"


class ClaimTask(models.Model):
    """An item new in the provincial catalogue, waiting for a department to claim it — or
    to decline it with reasons and evidence. One open task per code at a time."""

    code = models.CharField(_("code"), max_length=40)
    entry = models.ForeignKey(
        CatalogueEntry, on_delete=models.PROTECT, related_name="claims", verbose_name=_("item")
    )
    department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_claims",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reasons"), blank=True)
    item = models.ForeignKey(
        DutyItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("claim task")
        verbose_name_plural = _("claim tasks")
        ordering = ["status", "-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(status="open"), name="claim_open_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_status_display()}"


class ClaimEvidence(models.Model):
    task = models.ForeignKey(ClaimTask, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("name"), max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.name


# --- dynamic adjustment (动态调整) ------------------------------------------------------------
class Adjustment(models.Model):
    """A department's application to add, cancel, change or devolve an item, on its way
    through the establishment office, the justice bureau's legality review and, where the
    rules require it, government approval, to publication (``duties.adjustments``)."""

    department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="duty_adjustments",
    )
    kind = models.CharField(_("adjustment"), max_length=10)
    item = models.ForeignKey(
        DutyItem,
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjustments",
    )
    proposed = models.JSONField(_("proposed fields"), default=dict, blank=True)
    trigger = models.CharField(_("trigger"), max_length=20)
    basis = models.TextField(_("basis and reasons"))
    status = models.CharField(_("status"), max_length=12, default="submitted")
    due_at = models.DateTimeField(_("step due"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    approval_ref = models.CharField(_("government approval document"), max_length=100, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("list adjustment")
        verbose_name_plural = _("list adjustments")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="duty_adjust_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.item.code if self.item_id else self.proposed.get('code', '')}"


class AdjustmentStep(models.Model):
    """One move of an application, with who made it and why (append-only)."""

    adjustment = models.ForeignKey(Adjustment, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("adjustment step")
        verbose_name_plural = _("adjustment steps")
        ordering = ["adjustment", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} → {self.to_status}"


def adjustment_path(instance, filename: str) -> str:
    return f"duties/adjustments/{instance.adjustment_id}/{filename}"


class AdjustmentFile(models.Model):
    adjustment = models.ForeignKey(Adjustment, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=adjustment_path)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
