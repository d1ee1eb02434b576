"""Gates (门禁) and what passes through them: the gates and their devices, each compound's
privacy settings, the consent ledger (人脸识别单独同意), encrypted face templates, the other
credentials (IC card, PIN, QR pass), visitors, access events and groups of unknown faces.

Face data is sensitive personal information (PIPL Art. 28): a template exists only while its
resident's separate consent is live, is stored sealed (``recognition.at_rest``), and every
read of it is audited (``core.audit``, actions ``access.*``).
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community_brain.access import choices
from community_brain.access.recognition import DEFAULT_THRESHOLD
from community_brain.accounts.permissions import Kind, ScopedQuerySet, ScopePaths
from community_brain.core.models import TimeStampedModel

COMPOUND_PATHS = ScopePaths(community="compound__community_id", compound="compound_id")
GATE_PATHS = ScopePaths(community="gate__compound__community_id", compound="gate__compound_id")
RESIDENT_PATHS = ScopePaths(
    community="resident__community_id",
    compound="resident__household__building__compound_id",
    grid="resident__household__building__grid_id",
    household="resident__household_id",
)


class OwnHouseholdQuerySet(ScopedQuerySet.for_kind(Kind.ACCESS, RESIDENT_PATHS)):
    """Rows about a resident: staff by scope, and a resident for the people of her household
    (herself, and as guardian her children)."""

    def own_q(self, user, action):
        from community_brain.access.permissions import own_household_ids

        ids = own_household_ids(user)
        return Q(resident__household_id__in=ids) if ids else None


def scoped(paths: ScopePaths):
    return ScopedQuerySet.for_kind(Kind.ACCESS, paths).as_manager()


class PrivacySettings(TimeStampedModel):
    """A compound's face-recognition settings and its records under the law: the notice
    shown before consent, retention, the match threshold, the stranger alert, and the
    personal-information protection impact assessment (个人信息保护影响评估)."""

    compound = models.OneToOneField(
        "places.Compound",
        verbose_name=_("compound"),
        on_delete=models.CASCADE,
        related_name="access_privacy",
    )
    processor = models.CharField(
        _("processor"),
        max_length=100,
        blank=True,
        help_text=_("Who processes the face data; empty: the compound's property company."),
    )
    notice_text = models.TextField(
        _("notice"),
        blank=True,
        help_text=_(
            "Shown before consent; empty: the standard notice filled in with these settings."
        ),
    )
    notice_version = models.PositiveIntegerField(_("notice version"), default=1)
    snapshot_retention_days = models.PositiveSmallIntegerField(
        _("keep snapshots (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    event_retention_days = models.PositiveSmallIntegerField(
        _("keep access events (days)"),
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(1095)],
    )
    threshold = models.FloatField(
        _("match threshold (distance)"),
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(0.3), MaxValueValidator(0.7)],
        help_text=_("A face this close to a template is that resident; 0.6 is dlib's default."),
    )
    stranger_distance = models.FloatField(
        _("same stranger within (distance)"),
        default=0.5,
        validators=[MinValueValidator(0.2), MaxValueValidator(0.7)],
    )
    stranger_sightings = models.PositiveSmallIntegerField(
        _("alert after sightings"), default=3, validators=[MinValueValidator(2)]
    )
    night_from = models.TimeField(_("night from"), default=datetime.time(23, 0))
    night_until = models.TimeField(_("night until"), default=datetime.time(5, 0))
    pia_text = models.TextField(_("impact assessment"), blank=True)
    pia_date = models.DateField(_("impact assessment done on"), null=True, blank=True)
    pia_file = models.FileField(_("impact assessment file"), upload_to="access/pia/", blank=True)

    objects = scoped(ScopePaths(community="compound__community_id", compound="compound_id"))

    class Meta:
        verbose_name = _("privacy settings")
        verbose_name_plural = _("privacy settings")

    def __str__(self) -> str:
        return str(self.compound)


class TemplateSet(models.Model):
    """The version of a compound's set of face templates: bumped by every enrolment and
    every deletion, so the server's index and each gate's cache know they are stale."""

    compound = models.OneToOneField(
        "places.Compound", on_delete=models.CASCADE, related_name="access_template_set"
    )
    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.compound_id} v{self.version}"


class Gate(TimeStampedModel):
    """出入口: an entrance of a compound, for people going in, out or both."""

    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        on_delete=models.PROTECT,
        related_name="gates",
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    direction = models.CharField(
        _("direction"), max_length=4, choices=choices.Direction.choices, default="both"
    )
    location = models.CharField(_("where"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = scoped(COMPOUND_PATHS)

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")
        ordering = ["compound", "name"]

    def __str__(self) -> str:
        return f"{self.compound} {self.name}"


class GateDevice(TimeStampedModel):
    """A camera or a card/PIN/QR reader at a gate. Each is a device of the registry
    (``devices.Device``), so it has that device's token, online state and alarms."""

    gate = models.ForeignKey(
        Gate, verbose_name=_("gate"), on_delete=models.CASCADE, related_name="devices"
    )
    device = models.OneToOneField(
        "devices.Device",
        verbose_name=_("device"),
        on_delete=models.CASCADE,
        related_name="gate_device",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=choices.GateDeviceKind.choices)

    objects = scoped(GATE_PATHS)

    class Meta:
        verbose_name = _("gate device")
        verbose_name_plural = _("gate devices")

    def __str__(self) -> str:
        return f"{self.gate} · {self.device.code}"


class Consent(models.Model):
    """单独同意: one resident's separate consent to one purpose, as its own row, with the
    notice that was shown. Withdrawn by setting ``withdrawn_at``; never deleted."""

    resident = models.ForeignKey(
        "places.Resident",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name="access_consents",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=choices.Purpose.choices)
    notice_version = models.PositiveIntegerField(_("notice version"))
    notice_hash = models.CharField(_("notice fingerprint"), max_length=64)
    notice_text = models.TextField(_("notice shown"))
    given_at = models.DateTimeField(_("given at"))
    given_by = models.ForeignKey(
        "places.Resident",
        verbose_name=_("given by"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The resident, or a guardian for a child under 14."),
    )
    guardian = models.BooleanField(_("given by a guardian"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)

    objects = OwnHouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consent ledger")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="access_one_live_consent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.get_purpose_display()}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


class FaceTemplate(models.Model):
    """A resident's face template (one embedding per enrolment photo), sealed with the field
    key. Exists only while the consent it was made under is live."""

    resident = models.OneToOneField(
        "places.Resident",
        verbose_name=_("resident"),
        on_delete=models.CASCADE,
        related_name="face_template",
    )
    compound = models.ForeignKey(
        "places.Compound", on_delete=models.CASCADE, related_name="+", editable=False
    )
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="templates")
    sealed = models.TextField(editable=False)
    photos = models.PositiveSmallIntegerField(_("photos"))
    quality = models.FloatField(_("quality (sharpness)"))
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("enrolled at"))

    objects = OwnHouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("face template")
        verbose_name_plural = _("face templates")

    def __str__(self) -> str:
        return f"{self.resident} v{self.version}"


class Visitor(TimeStampedModel):
    """访客: someone let in for a visit, registered by the guard or a resident."""

    compound = models.ForeignKey(
        "places.Compound", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    host = models.ForeignKey(
        "places.Household",
        verbose_name=_("visiting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purpose = models.CharField(_("purpose of the visit"), max_length=100, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = scoped(COMPOUND_PATHS)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Credential(TimeStampedModel):
    """A way in other than the face: an IC card (its number kept only as a blind index), a
    PIN (likewise), or a QR pass (a random token, kept as a hash) with an expiry. For a
    resident or a visitor; equally convenient, and never dependent on consent."""

    compound = models.ForeignKey(
        "places.Compound", verbose_name=_("compound"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=choices.CredentialKind.choices)
    resident = models.ForeignKey(
        "places.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_credentials",
    )
    visitor = models.ForeignKey(
        Visitor,
        verbose_name=_("visitor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="credentials",
    )
    secret_index = models.CharField(max_length=64, editable=False, db_index=True)
    hint = models.CharField(_("ends in"), max_length=8, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = scoped(COMPOUND_PATHS)

    class Meta:
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "kind", "secret_index"],
                condition=Q(revoked_at__isnull=True),
                name="access_credential_unique",
            ),
            models.CheckConstraint(
                condition=Q(resident__isnull=False) | Q(visitor__isnull=False),
                name="access_credential_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} …{self.hint}"

    @property
    def holder(self):
        return self.resident or self.visitor


def new_qr_token() -> str:
    return "qr_" + secrets.token_urlsafe(18)


class StrangerGroup(models.Model):
    """陌生人: the unknown faces at a compound's gates that look like one person, grouped
    by embedding distance across gates and days — only while their captures are within
    retention; the centroid goes when the last capture does."""

    compound = models.ForeignKey(
        "places.Compound", verbose_name=_("compound"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.StrangerStatus.choices,
        default=choices.StrangerStatus.OPEN,
        db_index=True,
    )
    centroid_sealed = models.TextField(blank=True, editable=False)
    sightings = models.PositiveIntegerField(_("sightings"), default=0)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    alerted_at = models.DateTimeField(_("alerted at"), null=True, blank=True)
    alarm = models.ForeignKey(
        "devices.Alarm", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("marked at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = scoped(COMPOUND_PATHS)

    class Meta:
        verbose_name = _("stranger group")
        verbose_name_plural = _("stranger groups")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"#{self.pk} ×{self.sightings}"


class AccessEvent(models.Model):
    """通行记录: one passage (or refusal) at a gate. The snapshot and the embedding of an
    unknown face are kept for the compound's short snapshot retention; the row itself for
    the event retention."""

    id = models.BigAutoField(primary_key=True)
    gate = models.ForeignKey(
        Gate, verbose_name=_("gate"), on_delete=models.CASCADE, related_name="events"
    )
    device = models.ForeignKey(
        GateDevice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), db_index=True)
    direction = models.CharField(_("direction"), max_length=4, choices=choices.Direction.choices)
    kind = models.CharField(_("credential"), max_length=6, choices=choices.CredentialKind.choices)
    credential = models.ForeignKey(
        Credential, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resident = models.ForeignKey(
        "places.Resident",
        verbose_name=_("resident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visitor = models.ForeignKey(
        Visitor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=8, choices=choices.Decision.choices)
    similarity = models.FloatField(_("similarity"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    source = models.CharField(
        _("source"), max_length=6, choices=choices.EventSource.choices, default="server"
    )
    snapshot = models.FileField(_("snapshot"), upload_to="access/snapshots/%Y/%m/%d/", blank=True)
    embedding_sealed = models.TextField(blank=True, editable=False)
    stranger = models.ForeignKey(
        StrangerGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_id = models.CharField(max_length=64, blank=True, editable=False)

    objects = scoped(GATE_PATHS)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gate", "client_id"], condition=~Q(client_id=""), name="access_event_once"
            )
        ]
        indexes = [models.Index(fields=["gate", "-at"], name="access_event_gate_at")]

    def __str__(self) -> str:
        return f"{self.gate} {self.at:%Y-%m-%d %H:%M} {self.decision}"
