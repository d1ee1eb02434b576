"""Forms of the notify app; services validate with them (pages and API share the rules)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from community_brain.accounts.models import Membership, User
from community_brain.notify.models import Preference, Shift

MAX_SHIFT = timedelta(days=31)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ShiftForm(forms.ModelForm):
    class Meta:
        model = Shift
        fields = ["organisation", "compound", "user", "starts_at", "ends_at", "order", "note"]
        widgets = {"starts_at": LocalDateTimeInput(), "ends_at": LocalDateTimeInput()}

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
            self.fields["user"].queryset = User.objects.filter(
                is_active=True,
                memberships__organisation__in=organisations,
                memberships__is_active=True,
            ).distinct()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end:
            if end <= start:
                self.add_error("ends_at", _("A shift ends after it starts."))
            elif end - start > MAX_SHIFT:
                self.add_error("ends_at", _("A shift lasts at most 31 days."))
        organisation, user = cleaned.get("organisation"), cleaned.get("user")
        if (
            organisation
            and user
            and not Membership.objects.filter(
                user=user, organisation=organisation, is_active=True
            ).exists()
        ):
            self.add_error("user", _("This person is not a member of the organisation."))
        compound = cleaned.get("compound")
        if organisation and compound and compound.pk not in organisation.served_compound_ids():
            self.add_error("compound", _("The organisation does not serve this compound."))
        return cleaned


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["email", "sms", "quiet_start", "quiet_end", "daily_digest"]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_start"), cleaned.get("quiet_end")
        if (start is None) != (end is None):
            self.add_error(
                "quiet_end" if end is None else "quiet_start",
                _("Give both ends of the quiet hours, or neither."),
            )
        elif start is not None and start == end:
            self.add_error("quiet_end", _("Quiet hours end at another time than they start."))
        return cleaned
