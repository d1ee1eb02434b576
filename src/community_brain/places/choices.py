"""Enumerations of the register."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Relation(models.TextChoices):
    """Relation to the head of household (与户主关系)."""

    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    GRANDPARENT = "grandparent", _("grandparent")
    GRANDCHILD = "grandchild", _("grandchild")
    SIBLING = "sibling", _("sibling")
    CHILD_IN_LAW = "child_in_law", _("son- or daughter-in-law")
    TENANT = "tenant", _("tenant")
    OTHER = "other", _("other")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("registered here (户籍)")
    PERMANENT = "permanent", _("living here, registered elsewhere (常住)")
    MIGRANT = "migrant", _("migrant (流动人口)")


class ResidentStatus(models.TextChoices):
    ACTIVE = "active", _("living here")
    MOVED_OUT = "moved_out", _("moved out")
    DECEASED = "deceased", _("deceased")


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    DISSOLVED = "dissolved", _("dissolved")


class Tenure(models.TextChoices):
    OWNED = "owned", _("owner-occupied")
    RENTED = "rented", _("rented")
    OTHER = "other", _("other")


class MoveReason(models.TextChoices):
    REGISTERED = "registered", _("first registration")
    BIRTH = "birth", _("birth")
    MARRIAGE = "marriage", _("marriage")
    MOVED = "moved", _("moved house")
    DECEASED = "deceased", _("deceased")
    CORRECTION = "correction", _("correction of the register")
    OTHER = "other", _("other")


class ShopTrade(models.TextChoices):
    CATERING = "catering", _("catering")
    RETAIL = "retail", _("retail")
    SUPERMARKET = "supermarket", _("supermarket")
    BEAUTY = "beauty", _("hairdressing and beauty")
    REPAIR = "repair", _("repairs")
    PHARMACY = "pharmacy", _("pharmacy and clinic")
    EDUCATION = "education", _("education and training")
    FINANCE = "finance", _("finance and telecoms")
    SERVICES = "services", _("household services")
    OTHER = "other", _("other")


class ShopStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class BuildingKind(models.TextChoices):
    RESIDENTIAL = "residential", _("residential")
    COMMERCIAL = "commercial", _("commercial")
    MIXED = "mixed", _("mixed")
