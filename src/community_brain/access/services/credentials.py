"""Credentials other than the face (IC card, PIN, QR pass) and visitors (访客登记). Every
resident may have them whatever her consent: face recognition is never the only way in
(Measures Art. 10; SPC 法释〔2021〕15号 Art. 10). Card numbers and PINs are kept only as
blind indexes, QR passes only as hashes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community_brain.access import permissions
from community_brain.access.choices import CredentialKind
from community_brain.access.models import Credential, Visitor, new_qr_token
from community_brain.accounts.permissions import CHANGE
from community_brain.accounts.roles import GUARD
from community_brain.core import audit, clock
from community_brain.core.crypto import blind_index, token_hash
from community_brain.core.errors import InvalidInput, validated
from community_brain.core.identifiers import validate_phone

CARD_RE = re.compile(r"^[0-9A-Fa-f]{4,20}$")
PIN_RE = re.compile(r"^\d{6}$")
VISITOR_PASS_HOURS = 24
MAX_PASS_DAYS = 366


def secret_index(kind: str, value: str) -> str:
    """How a presented card number, PIN or QR token is looked up."""
    value = (value or "").strip()
    if kind == CredentialKind.QR:
        return token_hash(value)
    if kind == CredentialKind.CARD:
        value = value.upper()
    return blind_index(value, f"access.{kind}")


def _create(compound, kind, index, hint, *, by, valid_until=None, resident=None, visitor=None):
    try:
        with transaction.atomic():
            credential = Credential.objects.create(
                compound=compound,
                kind=kind,
                secret_index=index,
                hint=hint,
                valid_until=valid_until,
                resident=resident,
                visitor=visitor,
            )
    except IntegrityError:
        field = "number" if kind == CredentialKind.CARD else "pin"
        raise InvalidInput.single(field, _("This is already in use at this compound.")) from None
    holder = resident.masked_name if resident else visitor.name[:1] + "*"
    audit.record(
        "access.credential_issued",
        credential,
        actor=by,
        summary=f"{kind} …{hint} {holder}",
        data={"resident": getattr(resident, "pk", None), "visitor": getattr(visitor, "pk", None)},
    )
    return credential


def _resident_compound(resident, by):
    compound = permissions.compound_of(resident)
    if compound is None:
        raise InvalidInput.single("resident", _("The resident has no household in a compound."))
    permissions.require(by, CHANGE, compound)
    return compound


@transaction.atomic
def issue_card(resident, number: str, *, by) -> Credential:
    compound = _resident_compound(resident, by)
    number = (number or "").strip().upper()
    if not CARD_RE.match(number):
        raise InvalidInput.single("number", _("A card number is 4 to 20 digits or letters A–F."))
    index = secret_index(CredentialKind.CARD, number)
    return _create(compound, CredentialKind.CARD, index, number[-4:], by=by, resident=resident)


@transaction.atomic
def set_pin(resident, pin: str, *, by) -> Credential:
    """A resident's six-digit PIN (a new one replaces the old)."""
    compound = _resident_compound(resident, by)
    pin = (pin or "").strip()
    if not PIN_RE.match(pin):
        raise InvalidInput.single("pin", _("A PIN has six digits."))
    now = clock.now()
    Credential.objects.filter(
        resident=resident, kind=CredentialKind.PIN, revoked_at__isnull=True
    ).update(revoked_at=now)
    index = secret_index(CredentialKind.PIN, pin)
    return _create(compound, CredentialKind.PIN, index, "", by=by, resident=resident)


def _pass(compound, *, by, hours: int, resident=None, visitor=None) -> tuple[Credential, str]:
    if not 1 <= int(hours) <= MAX_PASS_DAYS * 24:
        raise InvalidInput.single("hours", _("A pass is valid for 1 hour to a year."))
    raw = new_qr_token()
    valid_until = clock.now() + timedelta(hours=int(hours))
    credential = _create(
        compound,
        CredentialKind.QR,
        secret_index(CredentialKind.QR, raw),
        raw[-4:],
        by=by,
        valid_until=valid_until,
        resident=resident,
        visitor=visitor,
    )
    return credential, raw


@transaction.atomic
def issue_qr(resident, *, by, hours: int = 24 * 30) -> tuple[Credential, str]:
    """A QR pass for a resident; the raw token is returned once, only its hash is kept."""
    compound = _resident_compound(resident, by)
    return _pass(compound, by=by, hours=hours, resident=resident)


@transaction.atomic
def revoke(credential: Credential, *, by, reason: str = "") -> Credential:
    permissions.require(by, CHANGE, credential.compound_id)
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is None:
        credential.revoked_at = clock.now()
        credential.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            "access.credential_revoked",
            credential,
            actor=by,
            summary=reason[:200] or str(credential),
        )
    return credential


class VisitorForm(forms.ModelForm):
    hours = forms.IntegerField(
        label=gettext_lazy("pass valid for (hours)"),
        min_value=1,
        max_value=24 * 7,
        initial=VISITOR_PASS_HOURS,
    )

    class Meta:
        model = Visitor
        fields = ["name", "phone", "host", "purpose"]
        labels = {"name": gettext_lazy("visitor's name")}

    def __init__(self, *args, compound=None, **kwargs):
        super().__init__(*args, **kwargs)
        from community_brain.places.models import Household

        self.fields["host"].queryset = Household.objects.filter(building__compound=compound)

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        if not phone:
            return phone
        try:
            return validate_phone(phone)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


@transaction.atomic
def register_visitor(compound, *, by, data: Mapping) -> tuple[Visitor, Credential, str]:
    """Register a visitor and issue her QR pass (valid ``hours``, default 24)."""
    permissions.require(by, GUARD, compound)
    form = VisitorForm(data=data, compound=compound)
    cleaned = validated(form)
    visitor = form.save(commit=False)
    visitor.compound = compound
    visitor.registered_by = by
    visitor.save()
    audit.record(
        "access.visitor_registered",
        visitor,
        actor=by,
        summary=f"{visitor.name[:1]}* → {visitor.host or ''}",
    )
    credential, raw = _pass(compound, by=by, hours=cleaned.get("hours") or 24, visitor=visitor)
    return visitor, credential, raw
