"""Read side of the register: summaries and lists, always through the user's scope."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from community_brain.places import choices
from community_brain.places.models import Building, Compound, Household, Resident, Shop

AGE_BANDS = [
    (0, 13, "0–13"),
    (14, 17, "14–17"),
    (18, 34, "18–34"),
    (35, 59, "35–59"),
    (60, 79, "60–79"),
    (80, 200, "80+"),
]


def _by(qs, key: str) -> dict:
    return {row[key]: row["n"] for row in qs.values(key).annotate(n=Count("id")).order_by()}


def register_summary(user) -> dict:
    compounds = list(
        Compound.objects.visible_to(user).select_related("property_company", "developer")
    )
    households = Household.objects.visible_to(user).active()
    residents = Resident.objects.visible_to(user).active()
    shops = Shop.objects.visible_to(user).filter(status=choices.ShopStatus.OPEN)
    hh_by = _by(households, "building__compound_id")
    res_by = _by(residents, "household__building__compound_id")
    shop_by = _by(shops, "compound_id")
    bld_by = _by(Building.objects.visible_to(user), "compound_id")
    rows = [
        {
            "compound": c,
            "buildings": bld_by.get(c.id, 0),
            "households": hh_by.get(c.id, 0),
            "residents": res_by.get(c.id, 0),
            "shops": shop_by.get(c.id, 0),
        }
        for c in compounds
    ]
    return {
        "compounds": len(compounds),
        "households": sum(hh_by.values()),
        "residents": sum(res_by.values()),
        "shops": shops.count(),
        "rows": rows,
        "tags": tag_counts(residents),
        "age_bands": age_bands(residents),
    }


def tag_counts(residents) -> list[dict]:
    rows = (
        residents.filter(tags__isnull=False)
        .values("tags__code", "tags__name")
        .annotate(n=Count("id"))
        .order_by("tags__code")
    )
    return [{"code": r["tags__code"], "name": r["tags__name"], "n": r["n"]} for r in rows]


def age_bands(residents) -> list[dict]:
    today = timezone.localdate()
    out = []
    for lo, hi, label in AGE_BANDS:
        youngest_born = _years_before(today, lo)
        oldest_born = _years_before(today, hi + 1)
        n = residents.filter(birth_date__lte=youngest_born, birth_date__gt=oldest_born).count()
        out.append({"label": label, "n": n})
    return out


def _years_before(day, years: int):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def care_list(user):
    """Residents a grid worker should look in on: elderly living alone, disability."""
    return (
        Resident.objects.visible_to(user)
        .active()
        .filter(tags__code__in=["elderly_alone", "disability"])
        .distinct()
        .select_related("household")
        .order_by("household__address")
    )


def own_households(user):
    return (
        Household.objects.visible_to(user)
        .active()
        .prefetch_related("members")
        .select_related("building__compound")
    )


def resident_filters(qs, params) -> tuple:
    """Apply the list page's / API's filters; return (queryset, applied)."""
    applied = {}
    text = (params.get("q") or "").strip()
    if text:
        qs = qs.search(text)
        applied["q"] = text
    for key, lookup in (
        ("compound", "household__building__compound_id"),
        ("building", "household__building_id"),
        ("grid", "household__building__grid_id"),
        ("household", "household_id"),
    ):
        value = params.get(key)
        if value and str(value).isdigit():
            qs = qs.filter(**{lookup: int(value)})
            applied[key] = int(value)
    tag = params.get("tag")
    if tag:
        qs = qs.filter(tags__code=tag)
        applied["tag"] = tag
    status = params.get("status") or "active"
    if status != "all":
        qs = qs.filter(status=status)
    applied["status"] = status
    return qs, applied


def household_filters(qs, params) -> tuple:
    applied = {}
    text = (params.get("q") or "").strip()
    if text:
        qs = qs.search(text)
        applied["q"] = text
    for key, lookup in (
        ("compound", "building__compound_id"),
        ("building", "building_id"),
        ("grid", "building__grid_id"),
    ):
        value = params.get(key)
        if value and str(value).isdigit():
            qs = qs.filter(**{lookup: int(value)})
            applied[key] = int(value)
    status = params.get("status") or "active"
    if status != "all":
        qs = qs.filter(status=status)
    applied["status"] = status
    return qs, applied


def shop_filters(qs, params) -> tuple:
    applied = {}
    text = (params.get("q") or "").strip()
    if text:
        key = text.lower().replace(" ", "")
        qs = qs.filter(
            Q(name__contains=text)
            | Q(name_initials__startswith=key)
            | Q(name_pinyin__startswith=key)
            | Q(licence_number=text.upper())
            | Q(address__contains=text)
        )
        applied["q"] = text
    for key in ("compound", "grid"):
        value = params.get(key)
        if value and str(value).isdigit():
            qs = qs.filter(**{f"{key}_id": int(value)})
            applied[key] = int(value)
    trade = params.get("trade")
    if trade:
        qs = qs.filter(trade=trade)
        applied["trade"] = trade
    status = params.get("status") or "open"
    if status != "all":
        qs = qs.filter(status=status)
    applied["status"] = status
    return qs, applied
