"""API for the register: compounds, buildings, grids, households, residents, shops.

Scoped exactly like the pages (the same querysets), written through the same services.
ID numbers are never returned in full.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from community_brain.accounts.permissions import CHANGE
from community_brain.core.api import merged
from community_brain.core.errors import InvalidInput
from community_brain.places import queries, services
from community_brain.places.forms import HouseholdForm, ResidentForm, ShopForm
from community_brain.places.models import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    Resident,
    Shop,
)

router = Router(tags=["register"])


# --- schemas --------------------------------------------------------------------------------
class CompoundOut(Schema):
    id: int
    name: str
    code: str
    community_id: int
    address: str
    lat: float | None
    lng: float | None
    outline: dict | None
    property_company_id: int | None
    developer_id: int | None


class BuildingOut(Schema):
    id: int
    compound_id: int
    grid_id: int | None
    number: int
    name: str
    units: int
    floors: int
    lat: float | None
    lng: float | None


class GridOut(Schema):
    id: int
    code: str
    name: str
    community_id: int
    compound_id: int | None


class HouseholdOut(Schema):
    id: int
    code: str
    address: str
    building_id: int
    unit: int
    floor: int
    room: str
    head_id: int | None
    tenure: str
    status: str
    registered_on: date
    dissolved_on: date | None
    notes: str


class HouseholdIn(Schema):
    building: int
    unit: int
    floor: int
    room: str
    tenure: str = "owned"
    notes: str = ""


class HouseholdPatch(Schema):
    building: int | None = None
    unit: int | None = None
    floor: int | None = None
    room: str | None = None
    tenure: str | None = None
    notes: str | None = None


class ResidentOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: date | None
    age: int | None
    id_number_masked: str
    phone: str
    relation: str
    residence_type: str
    status: str
    household_id: int | None
    address: str | None
    tags: list[str]
    notes: str

    @staticmethod
    def resolve_id_number_masked(obj):
        return obj.masked_id_number

    @staticmethod
    def resolve_address(obj):
        return obj.household.address if obj.household_id else None

    @staticmethod
    def resolve_tags(obj):
        return [t.code for t in obj.tags.all()]


class ResidentIn(Schema):
    household: int
    name: str
    gender: str = ""
    birth_date: date | None = None
    id_number: str = ""
    phone: str = ""
    relation: str = "other"
    residence_type: str = "registered"
    tags: list[int] = []
    notes: str = ""
    moved_in: date | None = None


class ResidentPatch(Schema):
    name: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    id_number: str | None = None
    phone: str | None = None
    relation: str | None = None
    residence_type: str | None = None
    tags: list[int] | None = None
    notes: str | None = None


class MoveOutIn(Schema):
    on: date | None = None
    reason: str = "moved"


class ShopOut(Schema):
    id: int
    name: str
    trade: str
    licence_number: str
    contact_name: str
    contact_phone: str
    community_id: int
    compound_id: int | None
    grid_id: int | None
    address: str
    lat: float | None
    lng: float | None
    status: str
    opened_on: date | None
    closed_on: date | None


class ShopIn(Schema):
    name: str
    trade: str
    licence_number: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    compound: int | None = None
    grid: int | None = None
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    opened_on: date | None = None
    notes: str = ""


class ShopPatch(Schema):
    name: str | None = None
    trade: str | None = None
    licence_number: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    compound: int | None = None
    grid: int | None = None
    address: str | None = None
    lat: float | None = None
    lng: float | None = None
    opened_on: date | None = None
    notes: str | None = None


def _patch(payload: Schema) -> dict:
    return payload.dict(exclude_unset=True)


# --- compounds, buildings, grids --------------------------------------------------------------
@router.get("/compounds", response=list[CompoundOut])
@paginate
def list_compounds(request, community: int | None = None):
    qs = Compound.objects.visible_to(request.user)
    if community:
        qs = qs.filter(community_id=community)
    return qs.order_by("id")


@router.get("/compounds/{compound_id}", response=CompoundOut)
def get_compound(request, compound_id: int):
    return get_object_or_404(Compound.objects.visible_to(request.user), pk=compound_id)


@router.get("/buildings", response=list[BuildingOut])
@paginate
def list_buildings(request, compound: int | None = None, grid: int | None = None):
    qs = Building.objects.visible_to(request.user)
    if compound:
        qs = qs.filter(compound_id=compound)
    if grid:
        qs = qs.filter(grid_id=grid)
    return qs.order_by("id")


@router.get("/grids", response=list[GridOut])
@paginate
def list_grids(request, compound: int | None = None):
    qs = Grid.objects.visible_to(request.user)
    if compound:
        qs = qs.filter(compound_id=compound)
    return qs.order_by("id")


# --- households -----------------------------------------------------------------------------
@router.get("/households", response=list[HouseholdOut])
@paginate
def list_households(
    request,
    q: str | None = None,
    compound: int | None = None,
    building: int | None = None,
    grid: int | None = None,
    status: str = "active",
):
    qs = Household.objects.visible_to(request.user)
    params = {"q": q, "compound": compound, "building": building, "grid": grid, "status": status}
    qs, _applied = queries.household_filters(qs, params)
    return qs.order_by("id")


@router.get("/households/{household_id}", response=HouseholdOut)
def get_household(request, household_id: int):
    return get_object_or_404(Household.objects.visible_to(request.user), pk=household_id)


@router.post("/households", response={201: HouseholdOut})
def create_household(request, payload: HouseholdIn):
    return Status(201, services.create_household(by=request.user, data=payload.dict()))


@router.patch("/households/{household_id}", response=HouseholdOut)
def update_household(request, household_id: int, payload: HouseholdPatch):
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=household_id)
    data = merged(household, HouseholdForm.Meta.fields, _patch(payload))
    return services.update_household(by=request.user, household=household, data=data)


# --- residents ------------------------------------------------------------------------------
def _residents(request):
    return (
        Resident.objects.visible_to(request.user)
        .select_related("household")
        .prefetch_related("tags")
    )


@router.get("/residents", response=list[ResidentOut])
@paginate
def list_residents(
    request,
    q: str | None = None,
    compound: int | None = None,
    building: int | None = None,
    grid: int | None = None,
    household: int | None = None,
    tag: str | None = None,
    status: str = "active",
):
    params = {
        "q": q,
        "compound": compound,
        "building": building,
        "grid": grid,
        "household": household,
        "tag": tag,
        "status": status,
    }
    qs, _applied = queries.resident_filters(_residents(request), params)
    return qs.order_by("id")


@router.get("/residents/{resident_id}", response=ResidentOut)
def get_resident(request, resident_id: int):
    return get_object_or_404(_residents(request), pk=resident_id)


@router.post("/residents", response={201: ResidentOut})
def create_resident(request, payload: ResidentIn):
    data = payload.dict()
    household = Household.objects.visible_to(request.user).filter(pk=data.pop("household"))
    household = household.first()
    if household is None:
        raise InvalidInput.single("household", "no such household in your scope")
    moved_in = data.pop("moved_in")
    resident = services.register_resident(
        by=request.user, household=household, data=data, moved_in=moved_in
    )
    return Status(201, resident)


@router.patch("/residents/{resident_id}", response=ResidentOut)
def update_resident(request, resident_id: int, payload: ResidentPatch):
    resident = get_object_or_404(_residents(request), pk=resident_id)
    data = merged(resident, ResidentForm.Meta.fields, _patch(payload))
    return services.update_resident(by=request.user, resident=resident, data=data)


@router.post("/residents/{resident_id}/move-out", response=ResidentOut)
def move_out(request, resident_id: int, payload: MoveOutIn):
    resident = get_object_or_404(_residents(request), pk=resident_id)
    return services.move_out(
        by=request.user, resident=resident, on=payload.on, reason=payload.reason
    )


# --- shops ----------------------------------------------------------------------------------
@router.get("/shops", response=list[ShopOut])
@paginate
def list_shops(
    request,
    q: str | None = None,
    compound: int | None = None,
    grid: int | None = None,
    trade: str | None = None,
    status: str = "open",
):
    params = {"q": q, "compound": compound, "grid": grid, "trade": trade, "status": status}
    qs, _applied = queries.shop_filters(Shop.objects.visible_to(request.user), params)
    return qs.order_by("id")


@router.get("/shops/{shop_id}", response=ShopOut)
def get_shop(request, shop_id: int):
    return get_object_or_404(Shop.objects.visible_to(request.user), pk=shop_id)


@router.post("/shops", response={201: ShopOut})
def create_shop(request, payload: ShopIn):
    community = Community.objects.restrict(request.user, CHANGE).first()
    if community is None:
        raise PermissionDenied("you may not register shops")
    shop = services.create_shop(by=request.user, community=community, data=payload.dict())
    return Status(201, shop)


@router.patch("/shops/{shop_id}", response=ShopOut)
def update_shop(request, shop_id: int, payload: ShopPatch):
    shop = get_object_or_404(Shop.objects.visible_to(request.user), pk=shop_id)
    data = merged(shop, ShopForm.Meta.fields, _patch(payload))
    return services.update_shop(by=request.user, shop=shop, data=data)
