"""Forms of the register. Service functions validate with them too (pages, API and imports
share one set of rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from community_brain.core.identifiers import (
    id_birth_date,
    id_gender,
    validate_id_number,
    validate_phone,
    validate_uscc,
)
from community_brain.places.models import Building, Household, Resident, ResidentTag, Shop


class ResidentForm(forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(
        queryset=ResidentTag.objects.all(),
        required=False,
        label=_("tags"),
        widget=forms.CheckboxSelectMultiple,
    )
    gender = forms.ChoiceField(
        choices=[("", "—"), *Resident._meta.get_field("gender").choices],
        required=False,
        label=_("gender"),
    )

    class Meta:
        model = Resident
        fields = [
            "name",
            "gender",
            "birth_date",
            "id_number",
            "phone",
            "relation",
            "residence_type",
            "tags",
            "notes",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence_type"].required = False
        self.fields["relation"].required = False

    def clean_residence_type(self):
        return self.cleaned_data.get("residence_type") or "registered"

    def clean_relation(self):
        return self.cleaned_data.get("relation") or "other"

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("A name has at least two characters."))
        return name

    def clean_id_number(self):
        raw = self.cleaned_data.get("id_number", "")
        return validate_id_number(raw) if raw else ""

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        return validate_phone(raw) if raw else ""

    def clean(self):
        data = super().clean()
        id_number = data.get("id_number")
        if id_number:
            born, gender = id_birth_date(id_number), id_gender(id_number)
            if data.get("birth_date") and data["birth_date"] != born:
                self.add_error(
                    "birth_date",
                    _("Does not match the ID number (%(d)s).") % {"d": born.isoformat()},
                )
            else:
                data["birth_date"] = born
            if data.get("gender") and data["gender"] != gender:
                self.add_error("gender", _("Does not match the ID number."))
            else:
                data["gender"] = gender
        if not data.get("gender") and "gender" not in self.errors:
            self.add_error("gender", _("Give the gender, or an ID number to read it from."))
        return data


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["building", "unit", "floor", "room", "tenure", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = buildings if buildings is not None else Building.objects.all()
        self.fields["building"].queryset = qs.select_related("compound")
        self.fields["tenure"].required = False

    def clean_tenure(self):
        return self.cleaned_data.get("tenure") or "owned"

    def clean_room(self):
        room = self.cleaned_data["room"].strip()
        if not room:
            raise forms.ValidationError(_("Give the room number."))
        return room

    def clean(self):
        data = super().clean()
        building = data.get("building")
        if building:
            if data.get("unit") and data["unit"] > building.units:
                self.add_error(
                    "unit", _("%(b)s has %(n)s units.") % {"b": building, "n": building.units}
                )
            if data.get("floor") is not None and data["floor"] > building.floors:
                self.add_error(
                    "floor", _("%(b)s has %(n)s floors.") % {"b": building, "n": building.floors}
                )
        return data


class ShopForm(forms.ModelForm):
    class Meta:
        model = Shop
        fields = [
            "name",
            "trade",
            "licence_number",
            "contact_name",
            "contact_phone",
            "compound",
            "grid",
            "address",
            "lat",
            "lng",
            "opened_on",
            "notes",
        ]
        widgets = {
            "opened_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_licence_number(self):
        raw = self.cleaned_data.get("licence_number", "")
        return validate_uscc(raw) if raw else ""

    def clean_contact_phone(self):
        raw = self.cleaned_data.get("contact_phone", "")
        return validate_phone(raw) if raw else ""

    def clean(self):
        data = super().clean()
        for field, lo, hi in (("lat", -90, 90), ("lng", -180, 180)):
            value = data.get(field)
            if value is not None and not lo <= value <= hi:
                self.add_error(
                    field, _("Must lie between %(lo)s and %(hi)s.") % {"lo": lo, "hi": hi}
                )
        return data


class MoveOutForm(forms.Form):
    on = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(
        label=_("reason"),
        choices=[
            ("moved", _("moved house")),
            ("deceased", _("deceased")),
            ("marriage", _("marriage")),
            ("correction", _("correction of the register")),
            ("other", _("other")),
        ],
    )
