"""Everything the big screen shows, in one call (``screen_data``), and the link behind every
number: each count is made by the same filter code as the list it opens (the ledger's, the
device list's, the alarm list's), so the two cannot disagree.

Live counts (today, open, overdue, alarms, devices) are indexed queries; the year's rates,
their monthly trend and the category breakdown are sums over the ``CaseMonth`` read model.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone

from community_brain.accounts.permissions import access_for
from community_brain.cases import queries as case_queries
from community_brain.cases.choices import OPEN_STATUSES
from community_brain.cases.models import Case, Category
from community_brain.cases.queries import FIGURES, with_rates
from community_brain.devices import queries as device_queries
from community_brain.devices.alarms import label as alarm_label
from community_brain.devices.models import Alarm, Device
from community_brain.notify import oncall
from community_brain.places.models import Community, Compound
from community_brain.screen.models import CaseMonth
from community_brain.screen.readmodel import month_of, next_month

TICKER = 12  # alarms on the ticker
CASE_MARKERS = 200  # open cases on the map, the newest


def _url(name: str, params: dict) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{reverse(name)}?{urlencode(clean)}" if clean else reverse(name)


def _ledger_count(cases, params: dict) -> dict:
    return {"n": case_queries.ledger_count(cases, params), "url": case_queries.ledger_url(params)}


def communities_of(user) -> list[int]:
    access = access_for(user)
    if access.is_admin:
        return list(Community.objects.values_list("pk", flat=True))
    return sorted({c for g in access.grants for c in g.community_ids})


def screen_data(user, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    communities = communities_of(user)
    cases = Case.objects.visible_to(user)
    devices = Device.objects.visible_to(user)
    alarms = Alarm.objects.visible_to(user)
    open_by_compound = _open_by_compound(cases)
    return {
        "generated_at": now.isoformat(),
        "today": today.isoformat(),
        "community": _community_name(communities),
        "kpis": _kpis(cases, devices, alarms, today, open_by_compound),
        "rates": _rates(communities, today),
        "categories": _categories(communities, today),
        "devices": _devices(devices),
        "alarms": _alarm_ticker(alarms),
        "map": _map(user, cases, alarms, open_by_compound),
        "duty": _duty(user, now),
    }


def _community_name(communities: list[int]) -> str:
    names = list(Community.objects.filter(pk__in=communities).values_list("name", flat=True))
    return "、".join(names[:3])


# --- live counts -----------------------------------------------------------------------------
OPEN = {"status": "open"}


def _open_by_compound(cases) -> dict:
    """Open cases per compound (None: without one), by the ledger's own "open" filter; their
    sum is the open total. One index-only scan (``case_open_idx``)."""
    qs, _ = case_queries.ledger(cases, OPEN)
    rows = qs.order_by().values("compound_id").annotate(n=Count("*"))  # COUNT(*): no heap
    return {r["compound_id"]: r["n"] for r in rows}


def _kpis(cases, devices, alarms, today: date, open_by_compound: dict) -> dict:
    day = today.isoformat()
    start = timezone.make_aware(datetime.combine(today, time.min))
    resolved = cases.filter(resolved_at__gte=start, resolved_at__lt=start + timedelta(days=1))
    online = devices.order_by().aggregate(
        total=Count("id"), online=Count("id", filter=Q(online=True))
    )
    offline_qs, _ = device_queries.filter_devices(devices, {"online": "0"})
    active_qs, _ = device_queries.filter_alarms(alarms, {"active": "1"})
    return {
        "reported_today": _ledger_count(cases, {"since": day, "until": day}),
        "resolved_today": {
            "n": resolved.order_by().count(),
            "url": case_queries.ledger_url({"resolved_since": day, "resolved_until": day}),
        },
        "open": {"n": sum(open_by_compound.values()), "url": case_queries.ledger_url(OPEN)},
        "overdue": _ledger_count(cases, {"overdue": "1"}),
        "alarms": {"n": active_qs.order_by().count(), "url": _url("alarms:list", {"active": "1"})},
        "devices_offline": {
            "n": offline_qs.order_by().count(),
            "url": _url("devices:list", {"online": "0"}),
        },
        "devices_online_rate": round(100 * online["online"] / online["total"], 1)
        if online["total"]
        else None,
    }


# --- the read model --------------------------------------------------------------------------
def _rates(communities: list[int], today: date) -> dict:
    """This year's four rates and the last twelve months of each, in one query: twelve
    months back always reach this year's January, so the year is a sum of those months."""
    first = month_of(today)
    for _ in range(11):
        first = month_of(first - timedelta(days=1))
    by_month = {
        r["month"]: r
        for r in CaseMonth.objects.filter(community_id__in=communities, month__gte=first)
        .values("month")
        .annotate(refreshed=Max("refreshed_at"), **{name: Sum(name) for name in FIGURES})
        .order_by("month")
    }
    months, month = [], first
    year = dict.fromkeys(FIGURES, 0)
    while month <= today:
        counts = {name: (by_month.get(month) or {}).get(name) or 0 for name in FIGURES}
        if month.year == today.year:
            year = {name: year[name] + counts[name] for name in FIGURES}
        row = with_rates(counts)
        months.append({"month": f"{month:%Y-%m}", **_four(row), "total": row["total"]})
        month = next_month(month)
    refreshed = max((r["refreshed"] for r in by_month.values()), default=None)
    return {
        "year": {**_four(with_rates(year)), "total": year["total"]},
        "months": months,
        "as_of": refreshed.isoformat() if refreshed else None,
    }


def _four(row: dict) -> dict:
    return {
        "response": row["response_rate"],
        "on_time": row["on_time_rate"],
        "resolution": row["resolution_rate"],
        "satisfaction": row["satisfaction_rate"],
    }


def _categories(communities: list[int], today: date) -> list[dict]:
    """This year's cases per top category; each opens the ledger filtered the same way."""
    rows = (
        CaseMonth.objects.filter(community_id__in=communities, month__year=today.year)
        .values("category_id")
        .annotate(n=Sum("total"))
        .order_by("-n")
    )
    names = dict(Category.objects.values_list("pk", "name"))
    since = date(today.year, 1, 1).isoformat()
    return [
        {
            "id": r["category_id"],
            "name": names.get(r["category_id"], "—"),
            "n": r["n"],
            "url": case_queries.ledger_url(
                {"category": r["category_id"], "since": since, "until": today.isoformat()}
            ),
        }
        for r in rows
        if r["n"]
    ]


# --- devices and alarms ------------------------------------------------------------------------
def _devices(devices) -> dict:
    by_type = (
        devices.order_by()
        .values("type__code", "type__name")
        .annotate(total=Count("id"), online=Count("id", filter=Q(online=True)))
        .order_by("type__name")
    )
    by_compound = (
        devices.order_by()
        .values("compound_id", "compound__name")
        .annotate(total=Count("id"), online=Count("id", filter=Q(online=True)))
        .order_by("compound__name")
    )

    def rate(r):
        return round(100 * r["online"] / r["total"], 1) if r["total"] else None

    return {
        "by_type": [
            {
                "code": r["type__code"],
                "name": r["type__name"],
                "total": r["total"],
                "online": r["online"],
                "rate": rate(r),
                "url": _url("devices:list", {"type": r["type__code"]}),
            }
            for r in by_type
        ],
        "by_compound": [
            {
                "id": r["compound_id"],
                "name": r["compound__name"],
                "total": r["total"],
                "online": r["online"],
                "rate": rate(r),
                "url": _url("devices:list", {"compound": r["compound_id"]}),
            }
            for r in by_compound
        ],
    }


def alarm_item(alarm: Alarm) -> dict:
    """An alarm as the ticker and the map show it (also the live message's data)."""
    device = alarm.device
    lng, lat = _spot(device.compound, device.code)
    return {
        "id": alarm.pk,
        "type": alarm.type,
        "label": alarm_label(alarm),
        "severity": alarm.severity,
        "device": device.name,
        "compound": device.compound.name if device.compound_id else "",
        "started_at": alarm.started_at.isoformat(),
        "active": alarm.cleared_at is None,
        "lng": lng,
        "lat": lat,
        "url": _url("alarms:list", {"device": device.code}),
    }


def _alarm_ticker(alarms) -> list[dict]:
    qs, _ = device_queries.filter_alarms(alarms, {"active": "1"})
    return [alarm_item(a) for a in qs.select_related("device__compound", "rule")[:TICKER]]


# --- the map -------------------------------------------------------------------------------------
def _spot(compound, key: str) -> tuple[float | None, float | None]:
    """A point inside the compound for something without its own coordinates, the same for
    the same key every time (so markers neither pile up nor jump)."""
    if compound is None or compound.lat is None or compound.lng is None:
        return None, None
    digest = hashlib.blake2b(key.encode(), digest_size=4).digest()
    dx, dy = (digest[0] / 255 - 0.5) * 0.003, (digest[1] / 255 - 0.5) * 0.0024
    return round(compound.lng + dx, 6), round(compound.lat + dy, 6)


def case_point(case: dict, compound, detail: str) -> dict:
    """A case (its values) as a dot on the map; ``detail`` is the case page's URL with
    ``{code}`` in it (one ``reverse`` for two hundred dots)."""
    code = case["code"]
    if case["lat"] is not None:
        lng, lat = case["lng"], case["lat"]
    else:
        lng, lat = _spot(compound, code)
    return {
        "code": code,
        "title": case["title"],
        "status": case["status"],
        "overdue": case["is_overdue"],
        "lng": lng,
        "lat": lat,
        "url": detail.format(code=code),
    }


def _map(user, cases, alarms, open_per: dict) -> dict:
    compounds = {c.pk: c for c in Compound.objects.visible_to(user)}
    alarms_per = dict(
        alarms.filter(cleared_at__isnull=True)
        .order_by()
        .values("device__compound_id")
        .annotate(n=Count("id"))
        .values_list("device__compound_id", "n")
    )
    features = [
        {
            "type": "Feature",
            "properties": {
                "id": c.pk,
                "name": c.name,
                "open": open_per.get(c.pk, 0),
                "alarms": alarms_per.get(c.pk, 0),
                "url": case_queries.ledger_url({**OPEN, "compound": c.pk}),
            },
            "geometry": c.outline,
        }
        for c in compounds.values()
        if c.outline
    ]
    recent = (
        cases.filter(status__in=OPEN_STATUSES)
        .order_by("-reported_at")
        .values("code", "title", "status", "is_overdue", "lat", "lng", "compound_id")[:CASE_MARKERS]
    )
    detail = reverse("cases:detail", args=["CODE"]).replace("CODE", "{code}")
    points = [case_point(c, compounds.get(c["compound_id"]), detail) for c in recent]
    return {
        "geojson": {"type": "FeatureCollection", "features": features},
        "cases": [p for p in points if p["lat"] is not None],
    }


def _duty(user, now: datetime) -> list[dict]:
    shifts = (
        oncall.shifts_visible_to(user)
        .filter(starts_at__lte=now, ends_at__gt=now)
        .select_related("user", "organisation", "compound")
        .order_by("organisation__name", "order", "starts_at")
    )
    return [
        {
            "name": str(s.user),
            "organisation": str(s.organisation) if s.organisation_id else "",
            "compound": s.compound.name if s.compound_id else "",
            "until": timezone.localtime(s.ends_at).strftime("%H:%M"),
        }
        for s in shifts[:12]
    ]
