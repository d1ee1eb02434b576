"""Enumerations of defect-period inspection."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Side(models.TextChoices):
    BOTH = "", _("whole width (全幅)")
    LEFT = "left", _("left carriageway (左幅)")
    RIGHT = "right", _("right carriageway (右幅)")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    HALF_YEARLY = "half_yearly", _("every half year")


class Weather(models.TextChoices):
    SUNNY = "sunny", _("sunny (晴)")
    CLOUDY = "cloudy", _("cloudy (多云)")
    OVERCAST = "overcast", _("overcast (阴)")
    RAIN = "rain", _("rain (雨)")
    SNOW = "snow", _("snow (雪)")
    FOG = "fog", _("fog (雾)")


class FindingStatus(models.TextChoices):
    """The rectification ledger's states (整改台账 状态)."""

    OPEN = "open", _("to be rectified (待整改)")
    NOTIFIED = "notified", _("notice issued (已下发)")
    RECTIFYING = "rectifying", _("being rectified (整改中)")
    REPLIED = "replied", _("awaiting re-check (待复查)")
    CLOSED = "closed", _("closed off (已销号)")


OPEN_FINDINGS = frozenset(
    {
        FindingStatus.OPEN,
        FindingStatus.NOTIFIED,
        FindingStatus.RECTIFYING,
        FindingStatus.REPLIED,
    }
)

# Still the contractor's to do (a replied defect waits for the inspector, not the deadline).
RECTIFICATION_DUE = OPEN_FINDINGS - {FindingStatus.REPLIED}


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued, not yet acknowledged")
    ACKNOWLEDGED = "acknowledged", _("acknowledged, being rectified")
    REPLIED = "replied", _("replied, awaiting re-check")
    CLOSED = "closed", pgettext_lazy("notice", "closed off (销号)")


class ClosedBy(models.TextChoices):
    CONTRACTOR = "contractor", _("rectified by the contractor")
    OTHERS = "others", _("repaired by others at the contractor's cost")


class NoticeStep(models.TextChoices):
    DRAFTED = "drafted", _("drafted")
    ISSUED = "issued", _("signed and issued")
    ACKNOWLEDGED = "acknowledged", _("receipt acknowledged (签收)")
    REPLIED = "replied", _("replied (整改回复)")
    SENT_BACK = "sent_back", _("re-checked: sent back")
    CLOSED = "closed", _("re-checked: closed off (销号)")
