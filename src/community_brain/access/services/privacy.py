"""A compound's privacy settings and the notice shown before consent (告知): who processes
the face data, for what, how, for how long, why it is needed, and how to withdraw."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _

from community_brain.access import permissions
from community_brain.access.models import PrivacySettings, TemplateSet
from community_brain.accounts.permissions import CHANGE
from community_brain.core import audit
from community_brain.core.errors import validated


def standard_notice() -> str:
    return _(
        "Processor: {processor}, for the gates of {compound}.\n"
        "Purpose: to open the compound's gates for you by recognising your face, and for nothing "
        "else.\n"
        "How: the gate camera takes a picture when you stand in front of it and compares it with "
        "your face template. The template is made from 2 or more photos, kept encrypted, and "
        "used only by the gates of this compound.\n"
        "Retention: your template is kept until you withdraw consent or move out, then deleted at "
        "once, from the server and from every gate. Pictures taken at the gates are kept "
        "{snapshots} days; records of passages {events} days.\n"
        "Necessity and effect: face recognition is optional. An IC card, a PIN or a QR pass opens "
        "the gates just as well, and the guard can always let you in; refusing or withdrawing "
        "changes nothing else for you.\n"
        "Your rights: you may see, correct and delete your data, and withdraw consent at any time "
        "on this page or at the community office; a child under 14 needs a guardian's consent.\n"
    )


def settings_for(compound) -> PrivacySettings:
    """The compound's settings, created with the defaults on first use."""
    found, _created = PrivacySettings.objects.get_or_create(compound=compound)
    return found


def processor_of(ps: PrivacySettings) -> str:
    company = ps.compound.property_company
    return ps.processor or (company.name if company else str(ps.compound))


def notice_text(ps: PrivacySettings) -> str:
    """The notice as shown: the compound's own text, or the standard one filled in."""
    if ps.notice_text.strip():
        return ps.notice_text
    return standard_notice().format(
        processor=processor_of(ps),
        compound=ps.compound.name,
        snapshots=ps.snapshot_retention_days,
        events=ps.event_retention_days,
    )


def notice_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class SettingsForm(forms.ModelForm):
    class Meta:
        model = PrivacySettings
        fields = [
            "processor",
            "notice_text",
            "snapshot_retention_days",
            "event_retention_days",
            "threshold",
            "stranger_distance",
            "stranger_sightings",
            "night_from",
            "night_until",
            "pia_text",
            "pia_date",
            "pia_file",
        ]

    def clean(self):
        data = super().clean()
        snapshots, events = data.get("snapshot_retention_days"), data.get("event_retention_days")
        if snapshots and events and snapshots > events:
            self.add_error(
                "snapshot_retention_days",
                _("Snapshots cannot be kept longer than the events they belong to."),
            )
        return data


NOTICE_FIELDS = {"processor", "notice_text", "snapshot_retention_days", "event_retention_days"}


@transaction.atomic
def update_settings(compound, *, by, data: Mapping, files=None) -> PrivacySettings:
    """Change the settings; a change to what the notice says makes a new notice version
    (consents keep the version and text they were given under)."""
    permissions.require(by, CHANGE, compound)
    ps = PrivacySettings.objects.select_for_update().get(pk=settings_for(compound).pk)
    before_notice = notice_text(ps)
    before = {f: getattr(ps, f) for f in SettingsForm.Meta.fields}
    form = SettingsForm(data=data, files=files, instance=ps)
    validated(form)
    ps = form.save(commit=False)
    if notice_text(ps) != before_notice:
        ps.notice_version += 1
    ps.save()
    changed = audit.changed_fields(before, {f: getattr(ps, f) for f in SettingsForm.Meta.fields})
    audit.record(
        "access.settings_changed",
        ps,
        actor=by,
        summary=", ".join(sorted(changed)),
        data={k: [str(v[0]), str(v[1])] for k, v in changed.items()},
    )
    return ps


def template_version(compound_id: int) -> int:
    row = TemplateSet.objects.filter(compound_id=compound_id).values_list("version", flat=True)
    return next(iter(row), 0)


def bump_template_version(compound_id: int) -> int:
    """A new version of the compound's template set (inside the caller's transaction)."""
    from django.db.models import F

    updated = TemplateSet.objects.filter(compound_id=compound_id).update(version=F("version") + 1)
    if not updated:
        TemplateSet.objects.get_or_create(compound_id=compound_id, defaults={"version": 1})
    return template_version(compound_id)
