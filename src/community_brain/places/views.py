"""Pages of the register: browse, search, view and edit compounds, households, residents and
shops. Thin: reads through scoped querysets, writes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from community_brain.accounts.permissions import CHANGE, VIEW, Kind, access_for, can
from community_brain.core import charts
from community_brain.core.errors import InvalidInput, bind_errors
from community_brain.core.models import AuditLog
from community_brain.places import choices, queries, services
from community_brain.places.forms import HouseholdForm, MoveOutForm, ResidentForm, ShopForm
from community_brain.places.models import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    Resident,
    ResidentTag,
    Shop,
)

PAGE_SIZE = 50


def _require(user, kind: str, action: str = VIEW):
    if not access_for(user).allows(kind, action):
        raise PermissionDenied


def _page(request, qs):
    paginator = Paginator(qs, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _querystring(request, drop=("page",)) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


# --- compounds ------------------------------------------------------------------------------
@login_required
def compounds(request):
    _require(request.user, Kind.PLACES)
    summary = queries.register_summary(request.user)
    return render(request, "places/compounds.html", {"summary": summary})


@login_required
def compound_detail(request, pk):
    _require(request.user, Kind.PLACES)
    compound = get_object_or_404(
        Compound.objects.visible_to(request.user).select_related(
            "community", "property_company", "developer"
        ),
        pk=pk,
    )
    households = Household.objects.visible_to(request.user).active()
    buildings = (
        Building.objects.visible_to(request.user)
        .filter(compound=compound)
        .select_related("grid")
        .annotate(n_households=Count("households", filter=Q(households__in=households)))
    )
    shops = Shop.objects.visible_to(request.user).filter(compound=compound)
    grids = (
        Grid.objects.visible_to(request.user)
        .filter(compound=compound)
        .prefetch_related(Prefetch("memberships", to_attr="workers_list"))
    )
    personal = access_for(request.user).allows(Kind.PERSONAL, VIEW)
    residents = (
        Resident.objects.visible_to(request.user)
        .active()
        .filter(household__building__compound=compound)
    )
    bands = queries.age_bands(residents) if personal else []
    context = {
        "compound": compound,
        "buildings": buildings,
        "shops": shops,
        "grids": grids,
        "personal": personal,
        "n_households": households.filter(building__compound=compound).count(),
        "n_residents": residents.count() if personal else None,
        "age_bands": bands,
        "age_chart": charts.bar([b["label"] for b in bands], [b["n"] for b in bands]),
        "tags": queries.tag_counts(residents) if personal else [],
        "map": compound_map(compound, buildings, shops),
    }
    return render(request, "places/compound_detail.html", context)


def compound_map(compound, buildings, shops) -> dict | None:
    """An ECharts option drawing the outline, buildings and shops on plain axes (no tiles:
    the map works offline)."""
    if not compound.outline:
        return None
    ring = compound.outline.get("coordinates", [[]])[0]
    return {
        "animation": False,
        "grid": {"left": 8, "right": 8, "top": 8, "bottom": 8},
        "xAxis": {"type": "value", "scale": True, "show": False},
        "yAxis": {"type": "value", "scale": True, "show": False},
        "tooltip": {"trigger": "item", "formatter": "{b}"},
        "series": [
            {
                "type": "line",
                "data": ring,
                "symbol": "none",
                "lineStyle": {"color": "#c8161d"},
                "areaStyle": {"opacity": 0.06, "color": "#c8161d"},
                "silent": True,
            },
            {
                "type": "scatter",
                "name": _("buildings"),
                "symbolSize": 14,
                "symbol": "rect",
                "itemStyle": {"color": "#1565c0"},
                "data": [{"name": b.name, "value": [b.lng, b.lat]} for b in buildings if b.lat],
            },
            {
                "type": "scatter",
                "name": _("shops"),
                "symbolSize": 8,
                "itemStyle": {"color": "#ed6c02"},
                "data": [{"name": s.name, "value": [s.lng, s.lat]} for s in shops if s.lat],
            },
        ],
    }


# --- households -----------------------------------------------------------------------------
@login_required
def households(request):
    _require(request.user, Kind.PERSONAL)
    qs = (
        Household.objects.visible_to(request.user)
        .select_related("building__compound", "head")
        .annotate(n_members=Count("members"))
    )
    qs, applied = queries.household_filters(qs, request.GET)
    return render(
        request,
        "places/households.html",
        {
            "page": _page(request, qs.order_by("address")),
            "applied": applied,
            "qs": _querystring(request),
            "compounds": Compound.objects.visible_to(request.user),
            "can_change": access_for(request.user).allows(Kind.PERSONAL, CHANGE),
        },
    )


@login_required
def household_detail(request, pk):
    household = get_object_or_404(
        Household.objects.visible_to(request.user).select_related(
            "building__compound__property_company", "building__grid", "head"
        ),
        pk=pk,
    )
    history = household.residencies.select_related("resident").order_by("-moved_in", "-id")
    log = AuditLog.objects.for_object(household).select_related("actor")[:20]
    return render(
        request,
        "places/household_detail.html",
        {
            "household": household,
            "members": household.members.prefetch_related("tags").order_by("id"),
            "history": history,
            "log": log,
            "can_change": can(request.user, CHANGE, household),
        },
    )


@login_required
def household_create(request):
    _require(request.user, Kind.PERSONAL, CHANGE)
    buildings = Building.objects.restrict(request.user, CHANGE)
    form = HouseholdForm(request.POST or None, buildings=buildings)
    if request.method == "POST":
        try:
            household = services.create_household(by=request.user, data=request.POST)
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            messages.success(request, _("Household %(a)s registered.") % {"a": household})
            return redirect("places:household", pk=household.pk)
    return render(request, "places/form.html", {"form": form, "title": _("New household")})


@login_required
def household_edit(request, pk):
    household = get_object_or_404(Household.objects.restrict(request.user, CHANGE), pk=pk)
    buildings = Building.objects.restrict(request.user, CHANGE)
    form = HouseholdForm(request.POST or None, instance=household, buildings=buildings)
    if request.method == "POST":
        try:
            services.update_household(by=request.user, household=household, data=request.POST)
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("places:household", pk=household.pk)
    return render(
        request, "places/form.html", {"form": form, "title": household.address, "back": household}
    )


# --- residents ------------------------------------------------------------------------------
@login_required
def residents(request):
    _require(request.user, Kind.PERSONAL)
    qs = (
        Resident.objects.visible_to(request.user)
        .select_related("household")
        .prefetch_related("tags")
    )
    qs, applied = queries.resident_filters(qs, request.GET)
    return render(
        request,
        "places/residents.html",
        {
            "page": _page(request, qs.order_by("household__address", "id")),
            "applied": applied,
            "qs": _querystring(request),
            "compounds": Compound.objects.visible_to(request.user),
            "tags": ResidentTag.objects.all(),
            "can_export": access_for(request.user).allows(Kind.PERSONAL, "export"),
        },
    )


@login_required
def resident_detail(request, pk):
    resident = get_object_or_404(
        Resident.objects.visible_to(request.user).select_related("household__building"), pk=pk
    )
    can_change = can(request.user, CHANGE, resident)
    form = None
    if can_change:
        form = ResidentForm(request.POST or None, instance=resident, initial={"id_number": ""})
        form.fields["id_number"].help_text = _("On file: %(m)s. Leave empty to keep it.") % {
            "m": resident.masked_id_number or "—"
        }
        form.fields["id_number"].required = False
        if request.method == "POST":
            data = request.POST.copy()
            if not data.get("id_number"):
                data["id_number"] = resident.id_number
            try:
                services.update_resident(by=request.user, resident=resident, data=data)
            except InvalidInput as exc:
                bind_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("places:resident", pk=resident.pk)
    return render(
        request,
        "places/resident_detail.html",
        {
            "resident": resident,
            "form": form,
            "move_form": MoveOutForm(),
            "history": resident.residencies.select_related("household").all(),
            "can_change": can_change,
        },
    )


@login_required
def resident_create(request, household_pk):
    household = get_object_or_404(Household.objects.restrict(request.user, CHANGE), pk=household_pk)
    form = ResidentForm(request.POST or None)
    if request.method == "POST":
        try:
            resident = services.register_resident(
                by=request.user, household=household, data=request.POST
            )
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            messages.success(request, _("%(n)s registered.") % {"n": resident.name})
            return redirect("places:household", pk=household.pk)
    return render(
        request,
        "places/form.html",
        {"form": form, "title": _("New member of %(a)s") % {"a": household}, "back": household},
    )


@login_required
def resident_move_out(request, pk):
    resident = get_object_or_404(Resident.objects.restrict(request.user, CHANGE), pk=pk)
    form = MoveOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        household = resident.household
        try:
            services.move_out(
                by=request.user,
                resident=resident,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except InvalidInput as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(n)s moved out.") % {"n": resident.name})
            if household:
                return redirect("places:household", pk=household.pk)
    return redirect("places:resident", pk=pk)


# --- shops ----------------------------------------------------------------------------------
@login_required
def shops(request):
    _require(request.user, Kind.PLACES)
    qs = Shop.objects.visible_to(request.user).select_related("compound", "grid")
    qs, applied = queries.shop_filters(qs, request.GET)
    access = access_for(request.user)
    return render(
        request,
        "places/shops.html",
        {
            "page": _page(request, qs.order_by("name")),
            "applied": applied,
            "qs": _querystring(request),
            "compounds": Compound.objects.visible_to(request.user),
            "trades": choices.ShopTrade.choices,
            "show_contact": access.allows(Kind.PERSONAL, VIEW),
            "can_change": access.allows(Kind.PLACES, CHANGE),
        },
    )


@login_required
def shop_detail(request, pk):
    shop = get_object_or_404(
        Shop.objects.visible_to(request.user).select_related("compound", "grid"), pk=pk
    )
    can_change = can(request.user, CHANGE, shop)
    form = ShopForm(request.POST or None, instance=shop) if can_change else None
    if can_change and request.method == "POST":
        try:
            services.update_shop(by=request.user, shop=shop, data=request.POST)
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("places:shop", pk=shop.pk)
    return render(
        request,
        "places/shop_detail.html",
        {
            "shop": shop,
            "form": form,
            "can_change": can_change,
            "show_contact": access_for(request.user).allows(Kind.PERSONAL, VIEW),
        },
    )


@login_required
def shop_create(request):
    community = Community.objects.restrict(request.user, CHANGE).first()
    if community is None:
        raise PermissionDenied
    form = ShopForm(request.POST or None)
    if request.method == "POST":
        try:
            shop = services.create_shop(by=request.user, community=community, data=request.POST)
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            messages.success(request, _("Shop %(n)s registered.") % {"n": shop.name})
            return redirect("places:shop", pk=shop.pk)
    return render(request, "places/form.html", {"form": form, "title": _("New shop")})


@login_required
def shop_close(request, pk):
    shop = get_object_or_404(Shop.objects.restrict(request.user, CHANGE), pk=pk)
    if request.method == "POST":
        try:
            services.close_shop(by=request.user, shop=shop)
        except InvalidInput as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Shop %(n)s closed.") % {"n": shop.name})
    return redirect("places:shop", pk=pk)
