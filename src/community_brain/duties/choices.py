"""The closed vocabularies of the lists: item types (the "9+X" scheme plus public services,
with the two-letter codes used in item codes), item states, check findings, claim tasks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemType(models.TextChoices):
    LICENSING = "XK", _("administrative licensing (行政许可)")
    PENALTY = "CF", _("administrative penalty (行政处罚)")
    ENFORCEMENT = "QZ", _("administrative enforcement (行政强制)")
    LEVY = "ZS", _("administrative levy (行政征收)")
    BENEFIT = "JF", _("administrative benefit (行政给付)")
    INSPECTION = "JC", _("administrative inspection (行政检查)")
    CONFIRMATION = "QR", _("administrative confirmation (行政确认)")
    REWARD = "JL", _("administrative reward (行政奖励)")
    ADJUDICATION = "CJ", _("administrative adjudication (行政裁决)")
    OTHER = "QT", _("other administrative power (其他行政权力)")
    PUBLIC_SERVICE = "GG", _("public service (公共服务)")


# How the provincial catalogue and people write the types.
TYPE_NAMES = {
    "行政许可": ItemType.LICENSING,
    "行政处罚": ItemType.PENALTY,
    "行政强制": ItemType.ENFORCEMENT,
    "行政征收": ItemType.LEVY,
    "行政给付": ItemType.BENEFIT,
    "行政检查": ItemType.INSPECTION,
    "行政确认": ItemType.CONFIRMATION,
    "行政奖励": ItemType.REWARD,
    "行政裁决": ItemType.ADJUDICATION,
    "其他行政权力": ItemType.OTHER,
    "公共服务": ItemType.PUBLIC_SERVICE,
}


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("in force")
    CANCELLED = "cancelled", _("cancelled")


class FindingKind(models.TextChoices):
    NEW = "new", _("new in the provincial catalogue")
    CANCELLED = "cancelled", _("gone from the provincial catalogue")
    CHANGED = "changed", _("differs from the provincial catalogue")


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("waiting for the department")
    CLAIMED = "claimed", _("claimed")
    DECLINED = "declined", _("declined with reasons")
