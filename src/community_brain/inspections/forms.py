"""Validation of what people type: a round's header and each of its findings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from community_brain.inspections import choices
from community_brain.inspections.models import DefectType, FacilityCategory, Plan, Severity


class RoundForm(forms.Form):
    inspected_on = forms.DateField(label=_("date"))
    weather = forms.ChoiceField(label=_("weather"), choices=choices.Weather.choices)
    route = forms.CharField(label=_("route covered"), max_length=120)
    notes = forms.CharField(label=_("notes"), max_length=2000, required=False)
    plan = forms.ModelChoiceField(label=_("plan"), queryset=Plan.objects.all(), required=False)


class FindingForm(forms.Form):
    stake = forms.CharField(label=_("stake"), max_length=40)
    side = forms.ChoiceField(label=_("side"), choices=choices.Side.choices, required=False)
    category = forms.ModelChoiceField(
        label=_("facility category"), queryset=FacilityCategory.objects.all(), required=False
    )
    defect_type = forms.ModelChoiceField(
        label=_("defect type"), queryset=DefectType.objects.select_related("item")
    )
    severity = forms.ModelChoiceField(
        label=_("severity"), queryset=Severity.objects.all(), required=False
    )
    description = forms.CharField(label=_("description"), min_length=2, max_length=500)
    quantity = forms.CharField(label=_("quantity"), max_length=40, required=False)

    def clean(self):
        data = super().clean()
        category, defect = data.get("category"), data.get("defect_type")
        if category is None and defect is not None:  # the phone form asks for the defect only
            data["category"] = category = defect.item.category
        if category and defect and defect.item.category_id != category.pk:
            self.add_error(
                "defect_type",
                _("“%(defect)s” is not a defect of %(category)s.")
                % {"defect": defect, "category": category},
            )
        return data
