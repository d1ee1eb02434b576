"""Validation of what people type, shared by the pages and the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from community_brain.activities import choices
from community_brain.core.identifiers import validate_phone


class BookingForm(forms.Form):
    day = forms.DateField(label=_("date"))
    starts = forms.TimeField(label=_("from"))
    ends = forms.TimeField(label=_("to"))
    purpose = forms.CharField(label=_("purpose"), min_length=2, max_length=100)
    people = forms.IntegerField(label=_("people"), min_value=1, max_value=500, initial=1)

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("The end must come after the start."))
        return data


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=choices.ActivityKind.choices)
    title = forms.CharField(label=_("title"), min_length=2, max_length=100)
    description = forms.CharField(label=_("description"), max_length=4000, required=False)
    starts_at = forms.DateTimeField(label=_("starts at"))
    ends_at = forms.DateTimeField(label=_("ends at"))
    room = forms.CharField(label=_("room"), max_length=30, required=False)
    address = forms.CharField(label=_("address"), max_length=120, required=False)
    capacity = forms.IntegerField(label=_("places"), min_value=1, max_value=5000)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must come after the start."))
        if not data.get("room") and not (data.get("address") or "").strip():
            self.add_error("address", _("Give a room or an address."))
        return data


class SignupForm(forms.Form):
    name = forms.CharField(label=_("name"), min_length=1, max_length=50)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)


class ServiceForm(forms.Form):
    served_on = forms.DateField(label=_("date"))
    hours = forms.DecimalField(label=_("hours"), min_value=0.5, max_value=24, decimal_places=1)
    description = forms.CharField(label=_("what was done"), min_length=2, max_length=200)


class VolunteerForm(forms.Form):
    name = forms.CharField(label=_("name"), min_length=1, max_length=50)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    skills = forms.CharField(label=_("skills"), max_length=200, required=False)

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        return validate_phone(raw) if raw else ""
