"""The screen's read model: the case figures of each month, per community, top category and
compound, so that a year of rates and trends is a sum over a few hundred rows rather than a
scan of a million cases. Rebuilt by ``screen.readmodel``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from community_brain.cases.queries import FIGURES


class CaseMonth(models.Model):
    community = models.ForeignKey(
        "places.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("community")
    )
    month = models.DateField(_("month"))
    category = models.ForeignKey(
        "cases.Category",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("category"),
    )
    compound = models.ForeignKey(
        "places.Compound",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("compound"),
    )
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("month of case figures")
        verbose_name_plural = _("months of case figures")
        indexes = [models.Index(fields=["community", "month"], name="casemonth_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category_id} {self.compound_id}"


# One counter per figure of cases.queries.FIGURES, so the two cannot drift apart.
for _name in FIGURES:
    CaseMonth.add_to_class(_name, models.PositiveIntegerField(default=0))
