"""The case ledger: categories with their SLA, routing rules, cases, their append-only
timeline, photos, participants (lead and co-handlers), extension requests, and the field
diary (民情日记) that feeds it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community_brain.accounts.permissions import (
    Kind,
    Level,
    ScopedQuerySet,
    ScopePaths,
    role_allows,
)
from community_brain.cases import choices
from community_brain.core.identifiers import mask_name, mask_phone
from community_brain.core.models import TimeStampedModel


class Category(TimeStampedModel):
    """事项分类: a node of the configurable category tree, with its service levels."""

    parent = models.ForeignKey(
        "self",
        verbose_name=pgettext_lazy("category", "parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    respond_hours = models.PositiveSmallIntegerField(
        _("respond within (hours)"),
        default=24,
        help_text=_("Calendar hours from the report to the handler's first response."),
    )
    resolve_workdays = models.PositiveSmallIntegerField(
        _("resolve within (working days)"),
        default=5,
        help_text=_("Working days after the day of the report; holidays do not count."),
    )
    default_priority = models.CharField(
        _("default priority"),
        max_length=8,
        choices=choices.Priority.choices,
        default=choices.Priority.NORMAL,
    )
    keywords = models.CharField(
        _("keywords"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated; shown to Open311 clients."),
    )
    attributes = models.JSONField(
        _("extra questions"),
        default=list,
        blank=True,
        help_text=_(
            "Open311 service attributes: [{code, datatype, required, description, "
            "values: [{key, name}]}]."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    for_public = models.BooleanField(
        _("offered to residents"),
        default=True,
        help_text=_(
            "Shown on the residents' report page, to Open311 clients and in the field diary. "
            "Off for categories that only other modules file into (road defects, list audits)."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    @property
    def top(self) -> Category:
        node = self
        while node.parent_id:
            node = node.parent
        return node


class RoutingRule(models.Model):
    """Category × place → the responsible organisation. The most specific matching rule wins
    (category and compound named beats one named beats none); ties go to the lower order."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text=_("Empty: any category. Sub-categories inherit."),
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: anywhere."),
    )
    target = models.CharField(
        _("route to"),
        max_length=20,
        choices=choices.RouteTarget.choices,
        default=choices.RouteTarget.ORGANISATION,
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        what = self.category or _("any category")
        where = self.compound or _("anywhere")
        to = self.organisation if self.target == "organisation" else self.get_target_display()
        return f"{what} @ {where} → {to}"


CASE_PATHS = ScopePaths(
    community="community_id",
    compound="compound_id",
    grid="grid_id",
    household="household_id",
    organisation=("organisation_id",),
)


class CaseQuerySet(ScopedQuerySet.for_kind(Kind.CASES, CASE_PATHS)):
    def own_q(self, user, action):
        if action != "view":
            return None
        return Q(reporter_user=user) | Q(assignee=user)

    def scope_q(self, access, action):
        """Also the cases an organisation handles jointly (协办). A subquery, not a join: a
        join repeats rows, and DISTINCT over a million cases is slow."""
        q = super().scope_q(access, action)
        orgs = {
            g.organisation_id
            for g in access.grants
            if g.level == Level.ORGANISATION
            and g.organisation_id
            and role_allows(g.role, Kind.CASES, action)
        }
        if orgs:
            joint = Q(
                Exists(
                    CaseParticipant.objects.filter(case_id=OuterRef("pk"), organisation_id__in=orgs)
                )
            )
            q = joint if q is None else q | joint
        return q

    def open(self):
        return self.filter(status__in=choices.OPEN_STATUSES)

    def overdue(self):
        return self.filter(is_overdue=True, status__in=choices.OPEN_STATUSES)


class Case(TimeStampedModel):
    """事项: one problem, from the report to its closure."""

    code = models.CharField(_("case number"), max_length=24)
    # Foreign keys that lead one of the indexes below take no index of their own: every
    # index is written on every report, and these ones were never read.
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    source = models.CharField(_("source"), max_length=16, choices=choices.Source.choices)
    request_type = models.CharField(
        _("type of request"),
        max_length=16,
        choices=choices.RequestType.choices,
        default=choices.RequestType.HELP,
    )
    priority = models.CharField(
        _("priority"),
        max_length=8,
        choices=choices.Priority.choices,
        default=choices.Priority.NORMAL,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=choices.Status.choices, default=choices.Status.REPORTED
    )

    # where
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    building = models.ForeignKey(
        "places.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    grid = models.ForeignKey(
        "places.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)

    # who
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_resident = models.ForeignKey(
        "places.Resident",
        verbose_name=_("reporting resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    routed_to = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("proposed by routing"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Who the rules say should handle it; the case goes to them when it is dispatched."
        ),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )

    # milestones
    reported_at = models.DateTimeField(_("reported at"))  # case_reported_idx
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    started_at = models.DateTimeField(_("work started at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)

    # deadlines
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True, db_index=True)
    deadline_needs_review = models.BooleanField(
        _("deadline to review"),
        default=False,
        help_text=_("The deadline runs into a year whose official holidays are not entered."),
    )
    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    extended_workdays = models.PositiveSmallIntegerField(_("working days granted"), default=0)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)

    # outcome
    resolution = models.CharField(
        _("outcome"), max_length=16, choices=choices.Resolution.choices, blank=True
    )
    result = models.TextField(_("what was done"), blank=True)
    rating = models.CharField(
        _("satisfaction"), max_length=12, choices=choices.Rating.choices, blank=True
    )
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)
    # The reporter's first verdict, kept when a redo is rated again: the satisfaction rate
    # counts it (a redo that pleases later does not erase a first "unsatisfied").
    first_rating = models.CharField(
        _("first rating"), max_length=12, choices=choices.Rating.choices, blank=True
    )
    resolved_on_time = models.BooleanField(_("resolved on time"), null=True, blank=True)
    responded_on_time = models.BooleanField(_("responded on time"), null=True, blank=True)

    # supervision
    bounce_count = models.PositiveSmallIntegerField(_("transfers and returns"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    flagged = models.BooleanField(_("flagged for supervision"), default=False, db_index=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    external_ref = models.CharField(_("external reference"), max_length=80, blank=True)
    client_token = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text="Idempotency key sent by the client.",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status", "-reported_at"], name="case_ledger_idx"),
            models.Index(fields=["organisation", "status"], name="case_org_status_idx"),
            models.Index(fields=["compound", "-reported_at"], name="case_compound_idx"),
            models.Index(fields=["category", "-reported_at"], name="case_category_idx"),
            models.Index(fields=["status", "resolve_by"], name="case_deadline_idx"),
            models.Index(fields=["-reported_at"], name="case_reported_idx"),
            # Equality lookups only: declared here so PostgreSQL builds no second,
            # pattern-matching (LIKE) index beside each, as db_index on a text column does.
            models.Index(fields=["reporter_phone"], name="case_reporter_phone_idx"),
            models.Index(fields=["external_ref"], name="case_external_ref_idx"),
            models.Index(  # open cases per compound (the big screen), counted from the index
                # alone: the scope's columns are in it, like the overdue index
                fields=["community", "compound", "reporter_user", "assignee"],
                condition=Q(status__in=choices.OPEN_STATUSES),
                name="case_open_idx",
            ),
            models.Index(  # "unsatisfied this month" on the secretary's overview
                fields=["rated_at"],
                condition=Q(rated_at__isnull=False),
                name="case_rated_idx",
            ),
            models.Index(  # "resolved today" on the big screen
                fields=["resolved_at"],
                condition=Q(resolved_at__isnull=False),
                name="case_resolved_idx",
            ),
            models.Index(  # the "overdue" filter: open and late, a small part of the ledger
                # with the columns the scope asks for, so counting needs no table reads
                fields=["community", "-reported_at", "reporter_user", "assignee"],
                condition=Q(is_overdue=True, status__in=choices.OPEN_STATUSES),
                name="case_overdue_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="case_code_unique"),  # no LIKE index
            models.UniqueConstraint(
                fields=["source", "client_token"],
                condition=~Q(client_token=""),
                name="case_client_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in choices.OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def masked_reporter(self) -> str:
        return mask_name(self.reporter_name)

    @property
    def masked_reporter_phone(self) -> str:
        return mask_phone(self.reporter_phone)

    @property
    def place_label(self) -> str:
        if self.household_id:
            return self.household.address
        if self.building_id:
            return str(self.building)
        if self.compound_id:
            return f"{self.compound.name} {self.address}".strip()
        return self.address


class CaseCounter(models.Model):
    """The last number given to a case of a community in a year (QC-2026-000133)."""

    community = models.ForeignKey("places.Community", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="case_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community_id}/{self.year}: {self.last}"


class CaseParticipant(models.Model):
    """An organisation working on a case: the lead, or a co-handler in joint handling."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="case_roles",
    )
    role = models.CharField(_("role"), max_length=12, choices=choices.ParticipantRole.choices)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=Q(active=True),
                name="case_participant_active_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class CaseEvent(models.Model):
    """One step of a case's timeline. Append-only: never updated, never deleted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("what happened"), max_length=24, choices=choices.EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=100, blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    message = models.CharField(
        _("message"), max_length=1000, blank=True, help_text=_("Shown to the reporter.")
    )
    note = models.TextField(_("internal note"), blank=True)
    public = models.BooleanField(_("shown to the reporter"), default=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case.code} {self.at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("case events are append-only")
        super().save(*args, **kwargs)


def photo_path(instance, filename: str) -> str:
    return f"cases/{instance.case.reported_at:%Y/%m}/{instance.case.code}/{filename}"


class CasePhoto(models.Model):
    """A photo of the problem, or of the result. Stored re-encoded, without EXIF."""

    class Stage(models.TextChoices):
        REPORT = "report", _("the problem")
        RESULT = "result", _("the result")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    image = models.ImageField(_("photo"), upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    taken_lat = models.FloatField(null=True, blank=True)
    taken_lng = models.FloatField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.image.name


class ExtensionRequest(models.Model):
    """A handler's request for more working days, made before the deadline."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    workdays = models.PositiveSmallIntegerField(_("working days"))
    reason = models.CharField(_("reason"), max_length=500)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="one_pending_extension_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"+{self.workdays} ({self.get_state_display()})"


DIARY_PATHS = ScopePaths(
    community="community_id", compound="compound_id", grid="grid_id", household="household_id"
)


class DiaryQuerySet(ScopedQuerySet.for_kind(Kind.CASES, DIARY_PATHS)):
    def own_q(self, user, action):
        return Q(author=user)


class DiaryEntry(TimeStampedModel):
    """民情日记: a grid worker's note of a visit; any note can become a case."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="diary_entries"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="diary_entries",
    )
    visited_at = models.DateTimeField(_("visited at"))
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grid = models.ForeignKey(
        "places.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    topic = models.CharField(_("topic"), max_length=100)
    notes = models.TextField(_("notes"), blank=True)
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="diary_entries",
    )
    client_token = models.CharField(max_length=64, blank=True, editable=False)

    objects = DiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("field-diary entry")
        verbose_name_plural = _("field diary")
        ordering = ["-visited_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_token"],
                condition=~Q(client_token=""),
                name="diary_client_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visited_at:%Y-%m-%d} {self.topic}"
