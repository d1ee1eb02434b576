"""Users, organisations, memberships (organisation + role + scope) and API tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community_brain.accounts.permissions import ScopedQuerySet, ScopePaths
from community_brain.accounts.roles import Kind, Level, OrganisationKind, Role
from community_brain.core.crypto import token_hash
from community_brain.core.identifiers import mask_phone
from community_brain.core.models import TimeStampedModel
from community_brain.core.prepared import Prepared


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def label(self) -> str:
        return str(self)


class Organisation(TimeStampedModel):
    """An organisation that holds responsibility: committee, department, property company…"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community served"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    compounds = models.ManyToManyField(
        "places.Compound",
        verbose_name=_("compounds served"),
        blank=True,
        related_name="serving_organisations",
        help_text=_("Compounds this organisation serves besides those it manages or built."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.for_kind(
        Kind.ORGANISATIONS, ScopePaths(community="community_id")
    ).as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def served_compound_ids(self) -> set[int]:
        from community_brain.places.models import Compound

        ids = set(
            Compound.objects.filter(
                Q(property_company=self) | Q(developer=self) | Q(serving_organisations=self)
            ).values_list("id", flat=True)
        )
        if (
            not ids
            and self.community_id
            and self.kind
            in {
                OrganisationKind.COMMUNITY_COMMITTEE,
                OrganisationKind.STREET_OFFICE,
                OrganisationKind.GOVERNMENT_DEPARTMENT,
            }
        ):
            ids = set(
                Compound.objects.filter(community_id=self.community_id).values_list("id", flat=True)
            )
        return ids


class Membership(TimeStampedModel):
    """A user's role in an organisation, reaching a community, a compound, a grid or a
    household. A user may hold several."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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
        related_name="memberships",
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("job title"), max_length=50, blank=True)
    is_leader = models.BooleanField(
        _("leader"), default=False, help_text=_("Receives escalations for the organisation.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user", "role"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def level(self) -> str:
        if self.household_id:
            return Level.HOUSEHOLD
        if self.grid_id:
            return Level.GRID
        if self.compound_id:
            return Level.COMPOUND
        if self.community_id:
            return Level.COMMUNITY
        return Level.ORGANISATION

    @property
    def scope_label(self) -> str:
        for obj in (self.household, self.grid, self.compound, self.community):
            if obj is not None:
                return str(obj)
        return str(self.organisation or "")

    def clean(self):
        errors = {}
        if self.role == Role.GRID_WORKER and not self.grid_id:
            errors["grid"] = _("A grid worker's membership names her grid.")
        if self.role == Role.RESIDENT and not self.household_id:
            errors["household"] = _("A resident's membership names the household.")
        if self.role not in {Role.RESIDENT, Role.SYSTEM_ADMIN} and not self.organisation_id:
            errors["organisation"] = _("This role belongs to an organisation.")
        if errors:
            raise ValidationError(errors)


class ApiTokenQuerySet(models.QuerySet):
    def authenticate(self, raw: str) -> ApiToken | None:
        if not raw or not raw.startswith(ApiToken.PREFIX):
            return None
        return _token_by_hash.first(key=token_hash(raw))


def _live_token(key):
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key, revoked_at__isnull=True, user__is_active=True)
        .order_by()[:1]  # the hash is unique: ordering would only cost
    )


# Every API request looks its token up: compiled once, not on each request.
_token_by_hash = Prepared(_live_token, "key")


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the token is shown once."""

    PREFIX = "cb_"

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, default="api")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("ends with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} …{self.hint}"

    @classmethod
    def issue(cls, user, name: str = "api") -> tuple[ApiToken, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, key_hash=token_hash(raw), hint=raw[-6:])
        return token, raw


class PhoneVerification(models.Model):
    """A one-time code sent to a phone, so residents can report and follow cases without an
    account. Only a hash of the code is kept."""

    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    purpose = models.CharField(_("purpose"), max_length=32, default="report")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    ip = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} {self.created_at:%Y-%m-%d %H:%M}"
