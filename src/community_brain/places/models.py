"""The register: Community (社区) → Compound (小区) → Building (楼栋) → Household (户) →
Resident (居民); Shop (沿街商铺); Grid (网格).

Moving in and out is history (``Residency``), never deletion. ID numbers are encrypted at rest
with a blind index for uniqueness; names carry pinyin keys for search.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community_brain.accounts.permissions import Kind, ScopedQuerySet, ScopePaths
from community_brain.core import crypto
from community_brain.core.identifiers import mask_id_number, mask_name, mask_phone
from community_brain.core.models import TimeStampedModel
from community_brain.core.pinyin import pinyin_keys
from community_brain.places import choices


class Community(TimeStampedModel):
    """社区: the community a community committee serves (e.g. 千乘社区)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(
        _("code"), max_length=8, unique=True, help_text=_("Short code used in case numbers.")
    )
    street = models.CharField(_("sub-district"), max_length=100, blank=True)
    county = models.CharField(_("county"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    address = models.CharField(_("office address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)

    objects = ScopedQuerySet.for_kind(Kind.PLACES, ScopePaths(community="id")).as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Compound(TimeStampedModel):
    """小区: a residential compound, managed by a property company (物业公司)."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="compounds",
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=12, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    built_year = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    outline = models.JSONField(
        _("outline (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("A GeoJSON Polygon of the compound's boundary, in WGS84 longitude/latitude."),
    )
    property_company = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("property company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_compounds",
    )
    developer = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("developer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="developed_compounds",
    )

    objects = ScopedQuerySet.for_kind(
        Kind.PLACES, ScopePaths(community="community_id", compound="id")
    ).as_manager()

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="compound_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Grid(TimeStampedModel):
    """网格: a patch of buildings (typically 200–400 households) looked after by grid workers."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="grids"
    )
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grids",
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    objects = ScopedQuerySet.for_kind(
        Kind.PLACES,
        ScopePaths(community="community_id", compound="compound_id", grid="id"),
    ).as_manager()

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Building(TimeStampedModel):
    """楼栋: a building with units (单元) and floors."""

    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="buildings"
    )
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="buildings",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=choices.BuildingKind.choices,
        default=choices.BuildingKind.RESIDENTIAL,
    )
    units = models.PositiveSmallIntegerField(_("units"), default=1)
    floors = models.PositiveSmallIntegerField(_("floors"), default=6)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)

    objects = ScopedQuerySet.for_kind(
        Kind.PLACES,
        ScopePaths(community="compound__community_id", compound="compound_id", grid="grid_id"),
    ).as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["compound", "number"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "number"], name="building_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.compound.name}{self.name}"


HOUSEHOLD_PATHS = ScopePaths(
    community="building__compound__community_id",
    compound="building__compound_id",
    grid="building__grid_id",
    household="id",
)


class HouseholdQuerySet(ScopedQuerySet.for_kind(Kind.PERSONAL, HOUSEHOLD_PATHS)):
    def active(self):
        return self.filter(status=choices.HouseholdStatus.ACTIVE)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        q = Q(address__icontains=text) | Q(code__iexact=text)
        matches = Resident.objects.search(text).values("household_id")
        return self.filter(q | Q(id__in=matches))


class Household(TimeStampedModel):
    """户: the people living at one address (unit and room of a building)."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="households"
    )
    unit = models.PositiveSmallIntegerField(_("unit"))
    floor = models.SmallIntegerField(_("floor"))
    room = models.CharField(_("room"), max_length=16)
    code = models.CharField(_("household number"), max_length=40, unique=True)
    address = models.CharField(_("address"), max_length=200, db_index=True, editable=False)
    head = models.ForeignKey(
        "Resident",
        verbose_name=_("head of household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tenure = models.CharField(
        _("tenure"), max_length=12, choices=choices.Tenure.choices, default=choices.Tenure.OWNED
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.HouseholdStatus.choices,
        default=choices.HouseholdStatus.ACTIVE,
        db_index=True,
    )
    registered_on = models.DateField(_("registered on"), default=timezone.localdate)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building", "unit", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "room"],
                condition=Q(status="active"),
                name="household_active_address_unique",
            )
        ]

    def __str__(self) -> str:
        return self.address

    def compose_address(self) -> str:
        b = self.building
        return f"{b.compound.name}{b.name}{self.unit}单元{self.room}"

    def save(self, *args, **kwargs):
        self.address = self.compose_address()
        super().save(*args, **kwargs)


class ResidentTag(models.Model):
    """A tag that matters to services: elderly living alone, child, disability, party member…"""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(_("description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("resident tag")
        verbose_name_plural = _("resident tags")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


RESIDENT_PATHS = ScopePaths(
    community="community_id",  # people who moved out stay visible to the community's staff
    compound="household__building__compound_id",
    grid="household__building__grid_id",
    household="household_id",
)


class ResidentQuerySet(ScopedQuerySet.for_kind(Kind.PERSONAL, RESIDENT_PATHS)):
    def active(self):
        return self.filter(status=choices.ResidentStatus.ACTIVE)

    def search(self, text: str):
        """Name, pinyin or initials, phone tail, ID number, or address."""
        text = (text or "").strip()
        if not text:
            return self
        if text.isdigit() and len(text) == 4:
            return self.filter(phone_tail=text)
        upper = text.upper()
        if len(upper) == 18 and upper[:17].isdigit():
            return self.filter(id_number_index=Resident.index_id_number(upper))
        if text.isdigit() and len(text) >= 7:
            return self.filter(phone__contains=text)
        if text.isascii() and text.replace(" ", "").isalpha():
            key = text.replace(" ", "").lower()
            return self.filter(Q(name_initials__startswith=key) | Q(name_pinyin__startswith=key))
        return self.filter(Q(name__contains=text) | Q(household__address__icontains=text))


class Resident(TimeStampedModel):
    """居民: a person living in the community."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="residents",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The current household; empty once the person has moved out."),
    )
    relation = models.CharField(
        _("relation to head"),
        max_length=16,
        choices=choices.Relation.choices,
        default=choices.Relation.OTHER,
    )
    name = models.CharField(_("name"), max_length=50, db_index=True)
    name_pinyin = models.CharField(max_length=120, db_index=True, editable=False, default="")
    name_initials = models.CharField(max_length=20, db_index=True, editable=False, default="")
    gender = models.CharField(_("gender"), max_length=1, choices=choices.Gender.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_tail = models.CharField(max_length=4, blank=True, db_index=True, editable=False)
    id_number = crypto.EncryptedTextField(_("ID number"), blank=True, default="")
    id_number_index = models.CharField(max_length=40, blank=True, default="", editable=False)
    residence_type = models.CharField(
        _("residence type"),
        max_length=16,
        choices=choices.ResidenceType.choices,
        default=choices.ResidenceType.REGISTERED,
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices.ResidentStatus.choices,
        default=choices.ResidentStatus.ACTIVE,
        db_index=True,
    )
    tags = models.ManyToManyField(ResidentTag, verbose_name=_("tags"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~Q(id_number_index=""),
                name="resident_id_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def index_id_number(value: str) -> str:
        return crypto.blind_index(value, "resident.id_number") if value else ""

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """Search keys and the blind index; bulk_create callers call this themselves."""
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        self.phone_tail = self.phone[-4:] if self.phone else ""
        self.id_number_index = self.index_id_number(self.id_number)

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class Residency(models.Model):
    """One stay of a resident in a household: moving in and moving out."""

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="residencies"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="residencies",
    )
    relation = models.CharField(
        _("relation to head"), max_length=16, choices=choices.Relation.choices
    )
    moved_in = models.DateField(_("moved in"))
    moved_in_reason = models.CharField(
        _("reason for moving in"),
        max_length=16,
        choices=choices.MoveReason.choices,
        default=choices.MoveReason.REGISTERED,
    )
    moved_out = models.DateField(_("moved out"), null=True, blank=True)
    moved_out_reason = models.CharField(
        _("reason for moving out"),
        max_length=16,
        choices=choices.MoveReason.choices,
        blank=True,
    )

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        ordering = ["-moved_in", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(moved_out__isnull=True),
                name="residency_one_open_per_resident",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} @ {self.household} ({self.moved_in}–{self.moved_out or ''})"


SHOP_PATHS = ScopePaths(community="community_id", compound="compound_id", grid="grid_id")


class Shop(TimeStampedModel):
    """沿街商铺: a street shop, with its business licence and contact."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="shops"
    )
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("compound"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shops",
    )
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shops",
    )
    name = models.CharField(_("name"), max_length=100, db_index=True)
    name_pinyin = models.CharField(max_length=200, editable=False, default="", db_index=True)
    name_initials = models.CharField(max_length=40, editable=False, default="", db_index=True)
    trade = models.CharField(_("trade"), max_length=16, choices=choices.ShopTrade.choices)
    licence_number = models.CharField(
        _("licence number"),
        max_length=18,
        blank=True,
        help_text=_("Unified social credit code (统一社会信用代码), 18 characters."),
    )
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=choices.ShopStatus.choices,
        default=choices.ShopStatus.OPEN,
        db_index=True,
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.for_kind(Kind.PLACES, SHOP_PATHS).as_manager()

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence_number"],
                condition=~Q(licence_number=""),
                name="shop_licence_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
