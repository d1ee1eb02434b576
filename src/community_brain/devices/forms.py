"""Forms of the device registry; the services validate with them, so the pages and the API
give the same errors, each naming its field."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from community_brain.cases.models import Category
from community_brain.devices.choices import Trigger
from community_brain.devices.models import Device, DeviceType, Rule
from community_brain.places.models import Building, Compound

CODE_RE = re.compile(r"^[A-Za-z0-9_-]+$")


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = [
            "code",
            "name",
            "type",
            "compound",
            "building",
            "location",
            "lat",
            "lng",
            "firmware",
            "is_active",
        ]

    def __init__(self, *args, compounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if compounds is not None:
            self.fields["compound"].queryset = compounds
        self.fields["building"].queryset = Building.objects.select_related("compound")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not CODE_RE.match(code):
            raise forms.ValidationError(_("Use only letters, digits, '-' and '_'."))
        return code

    def clean(self):
        data = super().clean()
        building, compound = data.get("building"), data.get("compound")
        if building and compound and building.compound_id != compound.pk:
            self.add_error("building", _("This building is not in the chosen compound."))
        for name, lo, hi in (("lat", -90, 90), ("lng", -180, 180)):
            value = data.get(name)
            if value is not None and not lo <= value <= hi:
                self.add_error(name, _("Must be between %(lo)s and %(hi)s.") % {"lo": lo, "hi": hi})
        return data


RULE_FIELDS = [
    "name",
    "device_type",
    "device",
    "trigger",
    "key",
    "operator",
    "threshold",
    "clear_threshold",
    "hold_seconds",
    "event_type",
    "clear_event_type",
    "minutes",
    "active_from",
    "active_until",
    "compound",
    "alarm_type",
    "severity",
    "open_case",
    "category",
    "notify_on_call",
    "is_active",
]

# How the rule form is laid out on the page: trigger → conditions → actions.
RULE_SECTIONS = [
    (_("Applies to"), ["name", "device_type", "device", "is_active"]),
    (
        _("Trigger"),
        [
            "trigger",
            "key",
            "operator",
            "threshold",
            "hold_seconds",
            "clear_threshold",
            "event_type",
            "clear_event_type",
            "minutes",
        ],
    ),
    (_("Conditions"), ["active_from", "active_until", "compound"]),
    (_("Actions"), ["alarm_type", "severity", "open_case", "category", "notify_on_call"]),
]


class RuleForm(forms.ModelForm):
    """A rule: what it watches (type or device), the trigger, the conditions, the actions.
    The trigger's own fields are required by trigger: a threshold needs a key, an operator
    and a value; an event trigger an event type; offline and inactivity a number of
    minutes."""

    class Meta:
        model = Rule
        fields = RULE_FIELDS
        widgets = {
            "active_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "active_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, devices=None, compounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device_type"].queryset = DeviceType.objects.all()
        self.fields["device"].queryset = (
            devices if devices is not None else Device.objects.all()
        ).select_related("compound")
        self.fields["compound"].queryset = (
            compounds if compounds is not None else Compound.objects.all()
        )
        self.fields["category"].queryset = Category.objects.filter(is_active=True).select_related(
            "parent"
        )

    def _required(self, data, names):
        for name in names:
            if data.get(name) in (None, ""):
                self.add_error(name, _("Needed for this trigger."))

    def clean(self):
        data = super().clean()
        device, device_type = data.get("device"), data.get("device_type")
        if not device and not device_type:
            self.add_error("device_type", _("Choose a device type or a device."))
        if device and device_type and device.type_id != device_type.pk:
            self.add_error(
                "device",
                _("This device is a %(type)s, not a %(wanted)s.")
                % {"type": device.type, "wanted": device_type},
            )
            device_type = device = None  # the keys and events are checked once this is fixed
        kind = device.type if device else device_type
        trigger = data.get("trigger")
        if trigger == Trigger.THRESHOLD:
            self._required(data, ["key", "operator", "threshold"])
            wanted = data.get("key")
            if kind and wanted and wanted not in (kind.keys or {}) and wanted != "battery":
                self.add_error(
                    "key",
                    _("%(type)s has no key '%(key)s'; it has: %(keys)s.")
                    % {
                        "type": kind,
                        "key": wanted,
                        "keys": ", ".join(sorted(kind.keys or {})) or "—",
                    },
                )
        elif trigger == Trigger.EVENT:
            self._required(data, ["event_type"])
            event = data.get("event_type")
            clearing = data.get("clear_event_type")
            if kind and clearing and clearing not in (kind.events or []):
                self.add_error(
                    "clear_event_type",
                    _("%(type)s sends no event '%(event)s'; it sends: %(events)s.")
                    % {"type": kind, "event": clearing, "events": ", ".join(kind.events or [])},
                )
            if kind and event and event not in (kind.events or []):
                self.add_error(
                    "event_type",
                    _("%(type)s sends no event '%(event)s'; it sends: %(events)s.")
                    % {
                        "type": kind,
                        "event": event,
                        "events": ", ".join(kind.events or []) or "—",
                    },
                )
        elif trigger in (Trigger.OFFLINE, Trigger.INACTIVITY):
            self._required(data, ["minutes"])
            if data.get("minutes") == 0:
                self.add_error("minutes", _("At least one minute."))
        if bool(data.get("active_from")) != bool(data.get("active_until")):
            missing = "active_until" if data.get("active_from") else "active_from"
            self.add_error(missing, _("Give both ends of the time window, or neither."))
        if data.get("open_case") and not data.get("category"):
            self.add_error("category", _("Choose the category of the case, or do not open a case."))
        return data


class ClearAlarmForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)
