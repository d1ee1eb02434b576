"""Forms of the case ledger; the services validate with them too."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from community_brain.cases import choices, reference
from community_brain.cases.models import Category
from community_brain.core.identifiers import validate_phone
from community_brain.places.models import Building, Compound, Household


class SnapshotChoiceField(forms.ModelChoiceField):
    """A choice of a row that a ``cases.reference`` snapshot holds: validated without a
    query. The queryset still lists the choices when the form is shown; once a view narrows
    it (the compounds a user may see), validation goes back to querying it."""

    def __init__(self, snapshot, **kwargs):
        self.snapshot = snapshot
        self.narrowed = False
        super().__init__(**kwargs)
        self.narrowed = False

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.narrowed = True

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.narrowed = self.narrowed
        return result

    def to_python(self, value):
        if self.narrowed:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            value = value.pk
        try:
            row = self.snapshot.get().get(int(value))
        except (TypeError, ValueError):
            row = None
        if row is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return row


class CaseReportForm(forms.Form):
    """What a report needs. A plain form (not a ModelForm): the service builds the case, so
    no model validation runs twice and no extra queries are made."""

    title = forms.CharField(label=_("title"), max_length=120)
    description = forms.CharField(
        label=_("description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    category = SnapshotChoiceField(
        reference.categories,
        label=_("category"),
        queryset=Category.objects.filter(is_active=True).select_related("parent"),
    )
    request_type = forms.ChoiceField(
        label=_("type of request"),
        required=False,
        choices=[("", "—"), *choices.RequestType.choices],
    )
    priority = forms.ChoiceField(
        label=_("priority"), required=False, choices=[("", "—"), *choices.Priority.choices]
    )
    compound = SnapshotChoiceField(
        reference.compounds,
        label=_("compound"),
        required=False,
        queryset=Compound.objects.select_related("community"),
    )
    building = forms.ModelChoiceField(
        label=_("building"),
        required=False,
        queryset=Building.objects.select_related("compound__community"),
    )
    household = forms.ModelChoiceField(
        label=_("household"),
        required=False,
        queryset=Household.objects.select_related("building__compound__community"),
        widget=forms.HiddenInput(),
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    lat = forms.FloatField(label=_("latitude"), required=False)
    lng = forms.FloatField(label=_("longitude"), required=False)
    reporter_name = forms.CharField(label=_("reporter's name"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("reporter's phone"), max_length=20, required=False)

    FIELDS = (
        "title",
        "description",
        "category",
        "request_type",
        "priority",
        "compound",
        "building",
        "household",
        "address",
        "lat",
        "lng",
        "reporter_name",
        "reporter_phone",
    )

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if len(title) < 4:
            raise forms.ValidationError(_("Say in a few words what the problem is."))
        return title

    def clean_reporter_phone(self):
        raw = self.cleaned_data.get("reporter_phone", "")
        return validate_phone(raw) if raw else ""

    def clean(self):
        data = super().clean()
        data["request_type"] = data.get("request_type") or choices.RequestType.HELP
        household, building = data.get("household"), data.get("building")
        if household is not None:
            if building is not None and household.building_id != building.pk:
                self.add_error("household", _("This household is not in that building."))
            data["building"] = building = household.building
        if building is not None:
            compound = data.get("compound")
            if compound is not None and building.compound_id != compound.pk:
                self.add_error("building", _("This building is not in that compound."))
            data["compound"] = building.compound
        for field, lo, hi in (("lat", -90, 90), ("lng", -180, 180)):
            value = data.get(field)
            if value is not None and not lo <= value <= hi:
                self.add_error(
                    field, _("Must lie between %(lo)s and %(hi)s.") % {"lo": lo, "hi": hi}
                )
        if not any(data.get(f) for f in ("compound", "address")) and data.get("lat") is None:
            self.add_error("address", _("Say where: a compound, an address or a map point."))
        return data


class _SharedFields(dict):
    """A form class's fields, used as they are by each form instead of deep-copied."""

    def __deepcopy__(self, memo):
        return self


class CaseReportCheck(CaseReportForm):
    """``CaseReportForm`` for validating only (the intake service, hundreds of reports a
    second through the API): its forms share the class's fields, which validating never
    changes, instead of copying fourteen fields, widgets and querysets per report. Never
    render it or narrow its fields; use ``CaseReportForm`` for that."""


CaseReportCheck.base_fields = _SharedFields(CaseReportForm.base_fields)
