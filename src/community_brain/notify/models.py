"""The outbox of notices, escalations, the on-call rota, group robots, preferences, and the
claims of periodic jobs."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community_brain.core.crypto import EncryptedTextField
from community_brain.core.identifiers import mask_phone
from community_brain.notify.choices import Channel, RobotKind, State, When


class WebhookEndpoint(models.Model):
    """A group robot (群机器人) of an organisation's group chat in WeCom, DingTalk or Feishu."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=RobotKind.choices)
    # The address carries the robot's access token, so it is kept encrypted like the secret.
    url = EncryptedTextField(_("webhook address"))
    secret = EncryptedTextField(
        _("signing secret"),
        blank=True,
        help_text=_("The robot's signing secret (加签), if its security settings use one."),
    )
    urgent_only = models.BooleanField(
        _("urgent notices only"),
        default=False,
        help_text=_("Post only urgent notices to this group."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Escalation(models.Model):
    """An urgent notice waiting for someone to acknowledge it. Until someone does, it goes
    every few minutes to the next person in the chain: whoever is on duty (值班人员) in the
    rota's order, then the organisation's leaders."""

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    template = models.CharField(_("template"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    related_type = models.CharField(_("object type"), max_length=100, blank=True)
    related_id = models.CharField(_("object id"), max_length=64, blank=True)
    notified = models.JSONField(_("people told"), default=list)
    step = models.PositiveSmallIntegerField(_("escalations so far"), default=0)
    due_at = models.DateTimeField(_("next escalation"), null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    exhausted_at = models.DateTimeField(_("nobody left to tell"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.key


class NoticeQuerySet(models.QuerySet):
    def inbox(self, user):
        """The in-app notices of one person: their inbox."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user, channel=Channel.INAPP)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def due(self, now):
        """Notices a worker may claim now: due and waiting, or held by a worker whose lease
        has run out (it died or hung)."""
        from community_brain.notify import conf

        return self.filter(
            Q(state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=now)
            | Q(state=State.SENDING, claimed_at__lt=now - conf.lease())
        )


class Notice(models.Model):
    """One notice (通知) to one person on one channel, or to one group robot: a row of the
    outbox. A worker claims it with a conditional update, so it is sent at least once and
    recorded as delivered once, however many workers run."""

    State = State

    # Allowed moves; SENDING → SENDING is another worker taking over an expired lease,
    # SENDING → PENDING a notice put back until quiet hours end.
    TRANSITIONS = {
        State.PENDING: {State.SENDING},
        State.SENDING: {State.DELIVERED, State.FAILED, State.DEAD, State.SENDING, State.PENDING},
        State.FAILED: {State.SENDING, State.DEAD},
        State.DEAD: {State.PENDING},
        State.DELIVERED: set(),
    }

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
        db_index=False,  # notice_inbox_idx leads with it
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("group robot"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    # A phone number for a text to someone without an account (a resident's one-time code).
    address = EncryptedTextField(_("address"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    template = models.CharField(_("template"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    # Secret payload (a one-time code) is wiped once the notice is delivered or given up.
    scrub_payload = models.BooleanField(_("wipe payload after sending"), default=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200)
    urgent = models.BooleanField(_("urgent"), default=False)
    needs_ack = models.BooleanField(_("needs acknowledgement"), default=False)
    escalation = models.ForeignKey(
        Escalation,
        verbose_name=_("escalation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )
    mentions = models.JSONField(_("people to mention"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_by = models.CharField(_("claimed by"), max_length=120, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    related_type = models.CharField(_("object type"), max_length=100, blank=True)
    related_id = models.CharField(_("object id"), max_length=64, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key", "recipient", "channel"],
                condition=Q(endpoint__isnull=True, recipient__isnull=False),
                name="notice_once_per_person_channel",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key", "channel"],
                condition=Q(endpoint__isnull=True, recipient__isnull=True),
                name="notice_once_per_address",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key", "endpoint"],
                condition=Q(endpoint__isnull=False),
                name="notice_once_per_robot",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False)
                | Q(endpoint__isnull=False)
                | Q(address__isnull=False),
                name="notice_has_a_destination",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notice_due_idx"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notice_inbox_idx"),
            models.Index(fields=["related_type", "related_id"], name="notice_related_idx"),
        ]

    def __str__(self) -> str:
        to = self.recipient or self.endpoint or _masked(self.address)
        return f"{self.template} → {to} ({self.get_channel_display()})"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def awaits_ack(self) -> bool:
        return self.needs_ack and self.acknowledged_at is None


def _masked(phone: str) -> str:
    return mask_phone(phone) or "****"


class Shift(models.Model):
    """A shift of the on-call rota (值班表): one person on duty for an organisation, and
    optionally for one compound, from start to end. ``order`` is the place in the escalation
    chain: 1 is called first, 2 next, and so on."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="shifts",
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shifts",
        help_text=_("Leave empty for a shift covering everything the organisation serves."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person on duty"),
        on_delete=models.CASCADE,
        related_name="shifts",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    order = models.PositiveSmallIntegerField(
        _("order in the chain"), default=1, help_text=_("1 is called first, then 2, …")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call rota")
        ordering = ["starts_at", "order", "id"]
        indexes = [
            models.Index(fields=["organisation", "starts_at", "ends_at"], name="shift_when_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{self.user} {start:%Y-%m-%d %H:%M}–{end:%m-%d %H:%M}"


class Preference(models.Model):
    """How one person wants to be told: which channels, and quiet hours (免打扰时段) during
    which only urgent notices may wake them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notice_preference",
    )
    email = models.CharField(_("email"), max_length=8, choices=When.choices, default=When.ALWAYS)
    sms = models.CharField(_("SMS"), max_length=8, choices=When.choices, default=When.URGENT)
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    daily_digest = models.BooleanField(
        _("daily digest"),
        default=False,
        help_text=_("Every morning, an email listing the notices not yet read."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    def quiet_until(self, at: datetime) -> datetime | None:
        """When the quiet hours around this moment end, or None when it is not quiet."""
        start, end = self.quiet_start, self.quiet_end
        if start is None or end is None or start == end:
            return None
        local = timezone.localtime(at)
        now = local.time()
        if start < end:
            inside, end_day = start <= now < end, local.date()
        else:  # across midnight, e.g. 22:00–07:00
            inside = now >= start or now < end
            end_day = local.date() + timedelta(days=1) if now >= start else local.date()
        if not inside:
            return None
        return datetime.combine(end_day, end, tzinfo=local.tzinfo)


class PeriodicRun(models.Model):
    """One run of a periodic job for one time slot. The row is the claim: its uniqueness
    lets only one of several workers run a slot."""

    job = models.CharField(_("job"), max_length=100)
    slot = models.DateTimeField(_("slot"))
    worker = models.CharField(_("worker"), max_length=120)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        ordering = ["-slot", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="periodic_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M:%S}"
