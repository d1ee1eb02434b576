"""Every write to the register. Each function checks permission, validates, writes in one
transaction and leaves an audit row."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.accounts.permissions import CHANGE, Kind, require, require_kind
from community_brain.core import audit
from community_brain.core.errors import InvalidInput, validated
from community_brain.places import choices
from community_brain.places.forms import HouseholdForm, ResidentForm, ShopForm
from community_brain.places.models import (
    Building,
    Community,
    Household,
    Residency,
    Resident,
    Shop,
)

RESIDENT_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "relation",
    "residence_type",
    "notes",
)


def household_code(building: Building, unit: int, room: str) -> str:
    return f"{building.compound.code}-{building.number}-{unit}-{room}"


def _snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def _ensure_id_free(id_number: str, exclude_pk=None) -> None:
    if not id_number:
        return
    clash = Resident.objects.filter(id_number_index=Resident.index_id_number(id_number))
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.select_related("household").first()
    if other:
        where = other.household.address if other.household else _("moved out")
        raise InvalidInput.single(
            "id_number",
            _("Already registered for %(name)s (%(where)s).")
            % {"name": other.masked_name, "where": where},
        )


# --- households -----------------------------------------------------------------------------
@transaction.atomic
def create_household(*, by, data: Mapping) -> Household:
    form = HouseholdForm(data=data, buildings=Building.objects.restrict(by, CHANGE))
    cleaned = validated(form)
    building = cleaned["building"]
    if (
        Household.objects.active()
        .filter(building=building, unit=cleaned["unit"], room=cleaned["room"])
        .exists()
    ):
        raise InvalidInput.single("room", _("A household is already registered at this address."))
    household = form.save(commit=False)
    household.code = household_code(building, household.unit, household.room)
    if Household.objects.filter(code=household.code).exists():
        household.code += f"-{timezone.localdate():%Y%m%d}"
    household.save()
    audit.record("household.create", household, actor=by, summary=household.address)
    return household


@transaction.atomic
def update_household(*, by, household: Household, data: Mapping) -> Household:
    require(by, CHANGE, household)
    fields = ("building", "unit", "floor", "room", "tenure", "notes")
    before = _snapshot(household, fields)
    form = HouseholdForm(
        data=data, instance=household, buildings=Building.objects.restrict(by, CHANGE)
    )
    validated(form)
    household = form.save()
    audit.record(
        "household.update",
        household,
        actor=by,
        summary=household.address,
        data=audit.changed_fields(before, _snapshot(household, fields)),
    )
    return household


@transaction.atomic
def dissolve_household(*, by, household: Household, on: date | None = None) -> Household:
    require(by, CHANGE, household)
    if household.members.exists():
        raise InvalidInput.single(
            "__all__", _("Move every member out before dissolving the household.")
        )
    household.status = choices.HouseholdStatus.DISSOLVED
    household.dissolved_on = on or timezone.localdate()
    household.head = None
    household.save(update_fields=["status", "dissolved_on", "head", "updated_at", "address"])
    audit.record("household.dissolve", household, actor=by, summary=household.address)
    return household


# --- residents ------------------------------------------------------------------------------
def _set_head_if_needed(household: Household, resident: Resident) -> None:
    if resident.relation == choices.Relation.HEAD and household.head_id != resident.pk:
        household.head = resident
        household.save(update_fields=["head", "updated_at", "address"])


@transaction.atomic
def register_resident(
    *,
    by,
    household: Household,
    data: Mapping,
    moved_in: date | None = None,
    reason: str = choices.MoveReason.REGISTERED,
) -> Resident:
    """A person joins a household: the resident record and the start of a residency."""
    require(by, CHANGE, household)
    if household.status != choices.HouseholdStatus.ACTIVE:
        raise InvalidInput.single("household", _("This household has been dissolved."))
    form = ResidentForm(data=data)
    cleaned = validated(form)
    _ensure_id_free(cleaned.get("id_number", ""))
    resident = form.save(commit=False)
    resident.birth_date = cleaned.get("birth_date")
    resident.gender = cleaned["gender"]
    resident.household = household
    resident.community_id = household.building.compound.community_id
    resident.save()
    form.save_m2m()
    Residency.objects.create(
        resident=resident,
        household=household,
        relation=resident.relation,
        moved_in=moved_in or timezone.localdate(),
        moved_in_reason=reason,
    )
    _set_head_if_needed(household, resident)
    audit.record(
        "resident.register",
        resident,
        actor=by,
        summary=household.address,
        data={"household": household.pk, "reason": reason},
    )
    return resident


@transaction.atomic
def update_resident(*, by, resident: Resident, data: Mapping) -> Resident:
    require(by, CHANGE, resident)
    before = _snapshot(resident, RESIDENT_FIELDS)
    before_tags = set(resident.tags.values_list("code", flat=True))
    form = ResidentForm(data=data, instance=resident)
    cleaned = validated(form)
    _ensure_id_free(cleaned.get("id_number", ""), exclude_pk=resident.pk)
    resident = form.save(commit=False)
    resident.gender = cleaned["gender"]
    resident.birth_date = cleaned.get("birth_date")
    resident.save()
    form.save_m2m()
    if resident.household_id:
        _set_head_if_needed(resident.household, resident)
    changes = audit.changed_fields(
        before, _snapshot(resident, RESIDENT_FIELDS), secret=frozenset({"id_number"})
    )
    after_tags = set(resident.tags.values_list("code", flat=True))
    if after_tags != before_tags:
        changes["tags"] = [sorted(before_tags), sorted(after_tags)]
    audit.record("resident.update", resident, actor=by, summary=resident.masked_name, data=changes)
    return resident


@transaction.atomic
def move_out(*, by, resident: Resident, on: date | None = None, reason: str = "moved") -> Resident:
    """The resident leaves the household; the record and its history stay."""
    require(by, CHANGE, resident)
    if resident.household_id is None:
        raise InvalidInput.single("__all__", _("This resident has already moved out."))
    on = on or timezone.localdate()
    stay = resident.residencies.filter(moved_out__isnull=True).first()
    if stay and on < stay.moved_in:
        raise InvalidInput.single(
            "on", _("Cannot move out before moving in (%(d)s).") % {"d": stay.moved_in}
        )
    if stay:
        stay.moved_out, stay.moved_out_reason = on, reason
        stay.save(update_fields=["moved_out", "moved_out_reason"])
    household = resident.household
    resident.household = None
    resident.status = (
        choices.ResidentStatus.DECEASED
        if reason == "deceased"
        else choices.ResidentStatus.MOVED_OUT
    )
    resident.save()
    if household.head_id == resident.pk:
        household.head = None
        household.save(update_fields=["head", "updated_at", "address"])
    audit.record(
        "resident.move_out",
        resident,
        actor=by,
        summary=household.address,
        data={"household": household.pk, "on": on.isoformat(), "reason": reason},
    )
    return resident


@transaction.atomic
def move_in(
    *,
    by,
    resident: Resident,
    household: Household,
    relation: str,
    on: date | None = None,
    reason: str = choices.MoveReason.MOVED,
) -> Resident:
    """A registered person (moved out, or moving between households) joins a household."""
    require(by, CHANGE, household)
    if resident.status == choices.ResidentStatus.DECEASED:
        raise InvalidInput.single("__all__", _("This person is recorded as deceased."))
    if relation not in choices.Relation.values:
        raise InvalidInput.single("relation", _("Unknown relation."))
    if resident.household_id:
        move_out(by=by, resident=resident, on=on, reason=choices.MoveReason.MOVED)
        resident.refresh_from_db()
    resident.household, resident.relation = household, relation
    resident.status = choices.ResidentStatus.ACTIVE
    resident.save()
    Residency.objects.create(
        resident=resident,
        household=household,
        relation=relation,
        moved_in=on or timezone.localdate(),
        moved_in_reason=reason,
    )
    _set_head_if_needed(household, resident)
    audit.record(
        "resident.move_in",
        resident,
        actor=by,
        summary=household.address,
        data={"household": household.pk, "reason": reason},
    )
    return resident


# --- shops ----------------------------------------------------------------------------------
def _check_shop_licence(licence: str, exclude_pk=None) -> None:
    if not licence:
        return
    clash = Shop.objects.filter(licence_number=licence)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise InvalidInput.single(
            "licence_number", _("Another shop is registered with this licence.")
        )


@transaction.atomic
def create_shop(*, by, community: Community, data: Mapping) -> Shop:
    require(by, CHANGE, community)
    form = ShopForm(data=data)
    cleaned = validated(form)
    _check_shop_licence(cleaned.get("licence_number", ""))
    shop = form.save(commit=False)
    shop.community = community
    for field in ("compound", "grid"):
        place = getattr(shop, field)
        if place is not None and place.community_id != community.pk:
            raise InvalidInput.single(field, _("Not in this community."))
    shop.save()
    audit.record("shop.create", shop, actor=by, summary=shop.name)
    return shop


@transaction.atomic
def update_shop(*, by, shop: Shop, data: Mapping) -> Shop:
    require(by, CHANGE, shop)
    fields = tuple(ShopForm.Meta.fields)
    before = _snapshot(shop, fields)
    form = ShopForm(data=data, instance=shop)
    cleaned = validated(form)
    _check_shop_licence(cleaned.get("licence_number", ""), exclude_pk=shop.pk)
    shop = form.save()
    audit.record(
        "shop.update",
        shop,
        actor=by,
        summary=shop.name,
        data=audit.changed_fields(before, _snapshot(shop, fields)),
    )
    return shop


@transaction.atomic
def close_shop(*, by, shop: Shop, on: date | None = None) -> Shop:
    require(by, CHANGE, shop)
    if shop.status == choices.ShopStatus.CLOSED:
        raise InvalidInput.single("__all__", _("This shop is already closed."))
    shop.status, shop.closed_on = choices.ShopStatus.CLOSED, on or timezone.localdate()
    shop.save(update_fields=["status", "closed_on", "updated_at"])
    audit.record("shop.close", shop, actor=by, summary=shop.name)
    return shop


def require_register_change(by) -> None:
    require_kind(by, Kind.PERSONAL, CHANGE)
