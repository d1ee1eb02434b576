"""Validation of what people type into the bulletin."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SectionForm(forms.Form):
    title = forms.CharField(label=_("title"), min_length=1, max_length=100)
    body = forms.CharField(label=_("text"), max_length=20000, required=False)
    deeds = forms.IntegerField(
        label=_("good deeds reported"), min_value=0, max_value=999, required=False
    )


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(label=_("publish at"), required=False)
