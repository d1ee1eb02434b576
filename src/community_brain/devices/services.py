"""Every write to the device registry: device types (from the catalogue), devices, their HTTP
ingest tokens, and rules. Each function checks permission, validates with the forms, writes
in one transaction and leaves an audit row. (Ingest, the rules engine and alarms write through
``ingest``, ``engine`` and ``alarms``.)"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from community_brain.accounts.permissions import CHANGE, VIEW, Kind, access_for
from community_brain.accounts.roles import Role
from community_brain.cases.models import Category
from community_brain.core import audit
from community_brain.core.errors import InvalidInput, validated
from community_brain.devices import catalogue
from community_brain.devices.forms import RULE_FIELDS, DeviceForm, RuleForm
from community_brain.devices.models import Device, DeviceType, Rule
from community_brain.places.models import Compound

DEVICE_FIELDS = DeviceForm.Meta.fields


# --- scope ----------------------------------------------------------------------------------
def compounds_for(user, action: str = CHANGE):
    """The compounds in which the user may do ``action`` with devices."""
    access = access_for(user)
    if access.is_admin:
        return Compound.objects.all()
    ids: set[int] = set()
    for grant in access.grants:
        if action in _actions(grant.role):
            ids |= grant.compound_ids
    return Compound.objects.filter(id__in=sorted(ids))


def _actions(role: str) -> frozenset[str]:
    from community_brain.accounts.roles import ROLE_ACTIONS

    return ROLE_ACTIONS.get(role, {}).get(Kind.DEVICES, frozenset())


def may_edit_type_rules(user) -> bool:
    """Rules for a whole device type, everywhere: the system admin and community staff."""
    access = access_for(user)
    return access.is_admin or (
        access.has_role(Role.COMMUNITY_STAFF) and access.allows(Kind.DEVICES, CHANGE)
    )


def require_change(user, device: Device) -> None:
    if not Device.objects.filter(pk=device.pk).restrict(user, CHANGE).exists():
        raise PermissionDenied(_("You may not change this device."))


def rules_visible_to(user):
    """Rules of devices the user can see, of their compounds, and those for a whole type."""
    access = access_for(user)
    qs = Rule.objects.select_related("device_type", "device", "compound", "category")
    if access.is_admin:
        return qs
    if not access.allows(Kind.DEVICES, VIEW):
        return qs.none()
    compounds = compounds_for(user, VIEW)
    from django.db.models import Q

    return qs.filter(
        Q(device__isnull=True, compound__isnull=True)
        | Q(device__isnull=True, compound__in=compounds)
        | Q(device__compound__in=compounds)
    )


def may_change_rule(user, rule: Rule) -> bool:
    if rule.device_id:
        return Device.objects.filter(pk=rule.device_id).restrict(user, CHANGE).exists()
    if rule.compound_id:
        return compounds_for(user).filter(pk=rule.compound_id).exists()
    return may_edit_type_rules(user)


# --- devices --------------------------------------------------------------------------------
def _snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


@transaction.atomic
def create_device(*, by, data: Mapping) -> Device:
    if not access_for(by).allows(Kind.DEVICES, CHANGE):
        raise PermissionDenied(_("You may not register devices."))
    form = DeviceForm(data=data, compounds=compounds_for(by))
    validated(form)
    device = form.save()
    audit.record("device.create", device, actor=by, summary=str(device))
    return device


@transaction.atomic
def update_device(device: Device, *, by, data: Mapping) -> Device:
    require_change(by, device)
    device = Device.objects.select_for_update().get(pk=device.pk)
    before = _snapshot(device, DEVICE_FIELDS)
    form = DeviceForm(data=data, instance=device, compounds=compounds_for(by))
    validated(form)
    device = form.save()
    changes = audit.changed_fields(before, _snapshot(device, DEVICE_FIELDS))
    if changes:
        audit.record("device.update", device, actor=by, summary=str(device), data=changes)
    return device


@transaction.atomic
def issue_token(device: Device, *, by) -> str:
    """A new HTTP ingest token for the device (the old one stops working). The raw token is
    returned once; only its hash is kept."""
    require_change(by, device)
    device = Device.objects.select_for_update().get(pk=device.pk)
    rotated = bool(device.token_hash)
    raw = device.issue_token()
    device.save(update_fields=["token_hash", "token_hint", "updated_at"])
    audit.record(
        "device.token.rotate" if rotated else "device.token.issue",
        device,
        actor=by,
        summary=f"{device.code} …{device.token_hint}",
    )
    return raw


@transaction.atomic
def issue_tokens(devices, *, by=None) -> dict[str, str]:
    """Tokens for many devices at once (the simulator's HTTP mode): {code: raw token}."""
    devices = list(devices)
    out = {d.code: d.issue_token() for d in devices}
    Device.objects.bulk_update(devices, ["token_hash", "token_hint"], batch_size=500)
    audit.record_many("device.token.issue", devices, actor=by, data={"bulk": True})
    return out


# --- rules ----------------------------------------------------------------------------------
def _rule_form(by, data, instance=None) -> RuleForm:
    return RuleForm(
        data=data,
        instance=instance,
        devices=Device.objects.restrict(by, CHANGE),
        compounds=compounds_for(by),
    )


def unsaved_rule(*, by, data: Mapping, instance: Rule | None = None) -> Rule:
    """The rule as the form describes it, validated but not saved: for trying it out."""
    form = _rule_form(by, data, instance)
    validated(form)
    return form.save(commit=False)


def _check_rule_scope(by, rule: Rule) -> None:
    if not may_change_rule(by, rule):
        if rule.device_id or rule.compound_id:
            raise PermissionDenied(_("You may not change rules there."))
        raise InvalidInput.single(
            "compound",
            _("Only community staff may set a rule for every compound; choose a compound."),
        )


@transaction.atomic
def create_rule(*, by, data: Mapping) -> Rule:
    form = _rule_form(by, data)
    validated(form)
    rule = form.save(commit=False)
    _check_rule_scope(by, rule)
    rule.save()
    audit.record("rule.create", rule, actor=by, summary=rule.name)
    return rule


@transaction.atomic
def update_rule(rule: Rule, *, by, data: Mapping) -> Rule:
    if not may_change_rule(by, rule):
        raise PermissionDenied(_("You may not change this rule."))
    rule = Rule.objects.select_for_update().get(pk=rule.pk)
    before = _snapshot(rule, RULE_FIELDS)
    form = _rule_form(by, data, rule)
    validated(form)
    rule = form.save(commit=False)
    _check_rule_scope(by, rule)
    rule.save()
    changes = audit.changed_fields(before, _snapshot(rule, RULE_FIELDS))
    if changes:
        audit.record("rule.update", rule, actor=by, summary=rule.name, data=changes)
    return rule


# --- the catalogue --------------------------------------------------------------------------
@transaction.atomic
def ensure_catalogue(*, by=None) -> dict[str, DeviceType]:
    """The twelve device types and their default rules (see ``catalogue``). Types are upserted
    by code; a default rule is created only when its type has no rule of that name, so an
    edited rule is left as it is."""
    categories = {c.code: c for c in Category.objects.all()}
    types: dict[str, DeviceType] = {}
    made = 0
    for spec in catalogue.TYPES:
        kind, _created = DeviceType.objects.update_or_create(
            code=spec.code,
            defaults=dict(
                name=spec.name,
                keys=catalogue.with_battery(spec),
                events=spec.events,
                offline_after_minutes=spec.offline_after_minutes,
            ),
        )
        types[spec.code] = kind
        existing = set(
            Rule.objects.filter(device_type=kind, device__isnull=True).values_list(
                "name", flat=True
            )
        )
        for rs in [*spec.rules, catalogue.offline_rule(spec.name)]:
            if rs.name in existing:
                continue
            category = categories.get(rs.category) if rs.category else None
            Rule.objects.create(
                name=rs.name,
                device_type=kind,
                trigger=rs.trigger,
                key=rs.key,
                operator=rs.operator,
                threshold=rs.threshold,
                clear_threshold=rs.clear_threshold,
                hold_seconds=rs.hold_seconds,
                event_type=rs.event_type,
                minutes=rs.minutes,
                active_from=rs.active_from,
                active_until=rs.active_until,
                alarm_type=rs.alarm_type,
                severity=rs.severity,
                open_case=category is not None,
                category=category,
                notify_on_call=rs.notify_on_call,
            )
            made += 1
    if made:
        audit.record(
            "device.catalogue", None, actor=by, summary=f"{made} rules", data={"rules": made}
        )
    return types
