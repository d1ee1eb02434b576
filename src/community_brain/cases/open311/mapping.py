"""Case ↔ Open311 request: services from the category tree, service definitions from
``Category.attributes``, the status mapping, the filters of ``GET requests``, the public
fields of a request, and the reading of ``POST requests`` into the arguments of
``cases.services.report``.

Personal data never leaves through here: no reporter name or phone, no household or room
(a place is shown at compound and building level), phone and ID numbers in free text masked,
and the Open311 extras a client sent (e-mail, device, account, attributes) kept out of the
public description.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from community_brain.cases import timeline
from community_brain.cases.choices import Status
from community_brain.cases.models import Case, CaseEvent, Category
from community_brain.cases.open311.render import Error, w3c
from community_brain.core.identifiers import (
    mask_id_number,
    mask_phone,
    validate_phone,
)
from community_brain.places.choices import HouseholdStatus
from community_brain.places.models import Building, Compound, Household

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MIME_TYPES = ["text/xml", "application/json"]
DEFAULT_CHANGESET = datetime(2026, 1, 1, tzinfo=timezone.get_fixed_timezone(8 * 60))
CONTACT = (
    "Community Brain (社区大脑) Open311 endpoint. For help, ask the community office "
    "(社区居委会) that runs this site."
)
KEY_SERVICE = (
    "api_key is an API token of an account allowed to report cases. The site's "
    "administrators issue one with `brain api-token USERNAME`."
)

MAX_DESCRIPTION = 4000
MAX_WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
DEDUP_WINDOW = timedelta(minutes=10)

# Case status → Open311 status.
OPEN = "open"
CLOSED = "closed"
STATUS_MAP = {
    Status.REPORTED: OPEN,
    Status.ACCEPTED: OPEN,
    Status.ASSIGNED: OPEN,
    Status.IN_PROGRESS: OPEN,
    Status.RESOLVED: OPEN,
    Status.VERIFIED: OPEN,
    Status.CLOSED: CLOSED,
    Status.REJECTED: CLOSED,
    Status.DUPLICATE: CLOSED,
}
STATUSES_OF = {
    OPEN: [s.value for s, o in STATUS_MAP.items() if o == OPEN],
    CLOSED: [s.value for s, o in STATUS_MAP.items() if o == CLOSED],
}

DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
MAX_ATTRIBUTE_LENGTH = {"string": 500, "text": 4000}


def param(params, name: str) -> str:
    """An argument, stripped; an empty one is the same as an absent one."""
    value = params.get(name)
    return value.strip() if isinstance(value, str) else ""


def comma_list(params, name: str) -> list[str]:
    return [v.strip() for v in param(params, name).split(",") if v.strip()]


# --- discovery and services -----------------------------------------------------------------


def changeset() -> datetime:
    """When the service list last changed: the newest category edit."""
    return Category.objects.aggregate(last=Max("updated_at"))["last"] or DEFAULT_CHANGESET


def discovery(url: str) -> dict:
    stamp = w3c(changeset())
    return {
        "changeset": stamp,
        "contact": CONTACT,
        "key_service": KEY_SERVICE,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": stamp,
                "type": "production",
                "formats": list(MIME_TYPES),
            }
        ],
    }


def service_categories() -> list[Category]:
    """Every active leaf of the category tree (a category with no active children), in the
    tree's order."""
    every = list(Category.objects.all())
    by_id = {c.pk: c for c in every}
    active = [c for c in every if c.is_active and c.for_public]
    parents = {c.parent_id for c in active if c.parent_id}
    leaves = [c for c in active if c.pk not in parents]

    def top(cat: Category) -> Category:
        seen = set()
        while cat.parent_id and cat.parent_id in by_id and cat.pk not in seen:
            seen.add(cat.pk)
            cat = by_id[cat.parent_id]
        return cat

    for cat in leaves:
        cat.top_node = top(cat)
    leaves.sort(key=lambda c: (c.top_node.order, c.top_node.code, c.order, c.code))
    return leaves


def find_service(code: str) -> Category | None:
    if not code:
        return None
    for cat in service_categories():
        if cat.code == code:
            return cat
    return None


def service_row(cat: Category) -> dict:
    top = getattr(cat, "top_node", None) or cat.top
    return {
        "service_code": cat.code,
        "service_name": cat.name,
        "description": cat.description,
        "metadata": bool(attribute_definitions(cat)),
        "type": "realtime",
        "keywords": ",".join(k.strip() for k in re.split(r"[,，]", cat.keywords) if k.strip()),
        "group": top.name,
    }


def attribute_definitions(cat: Category) -> list[dict]:
    """The category's attributes in the spec's shape; ``variable`` defaults to true and
    ``order`` to the position (kept unique and positive). Entries without a code are
    skipped."""
    out: list[dict] = []
    used: set[int] = set()
    raw = cat.attributes if isinstance(cat.attributes, list) else []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, dict) or not str(item.get("code") or "").strip():
            continue
        datatype = str(item.get("datatype") or "string").strip().lower()
        if datatype not in DATATYPES:
            datatype = "string"
        order = item.get("order")
        order = order if isinstance(order, int) and order > 0 and order not in used else None
        if order is None:
            order = max([position, *used]) + 1 if position in used else position
        used.add(order)
        values = []
        if datatype in ("singlevaluelist", "multivaluelist"):
            for v in item.get("values") or []:
                if isinstance(v, dict) and str(v.get("key", "")).strip():
                    key = str(v["key"]).strip()
                    values.append({"key": key, "name": str(v.get("name") or key)})
        out.append(
            {
                "variable": bool(item.get("variable", True)),
                "code": str(item["code"]).strip(),
                "datatype": datatype,
                "required": bool(item.get("required", False)),
                "datatype_description": str(item.get("datatype_description") or ""),
                "order": order,
                "description": str(item.get("description") or item["code"]),
                "values": values,
            }
        )
    out.sort(key=lambda a: a["order"])
    return out


def service_definition(cat: Category) -> dict:
    return {"service_code": cat.code, "attributes": attribute_definitions(cat)}


# --- the public fields of a request ---------------------------------------------------------

# The Open311 extras a client sent sit after this line of the case's description: staff read
# them in the ledger, the public answer cuts them off.
PRIVATE_MARKER = "\n\n—— Open311 ——\n"

_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_ROOM_IN_ADDRESS = re.compile(r"\d+\s*(?:单元|室|户|号房)|\b(?:unit|room|apt|flat)\b|#", re.I)


def cut_private(text: str) -> str:
    """The text before the Open311 extras (also when it was cut off inside the marker)."""
    text = text or ""
    index = text.find(PRIVATE_MARKER)
    if index >= 0:
        return text[:index]
    for size in range(len(PRIVATE_MARKER) - 1, 0, -1):
        if text.endswith(PRIVATE_MARKER[:size]):
            return text[:-size]
    return text


def mask_numbers(text: str) -> str:
    """Phone and ID numbers in free text, masked."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0).upper()), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
    return _LANDLINE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)


def public_text(text: str) -> str:
    return mask_numbers(cut_private(text)).strip()


def coarse_address(text: str) -> str:
    """A free-text address without its unit or room."""
    match = _ROOM_IN_ADDRESS.search(text or "")
    text = text[: match.start()] if match else text
    return mask_numbers(text).strip(" ,，-")


def public_address(case: Case) -> str:
    if case.building_id:
        return str(case.building)
    if case.compound_id:
        return case.compound.name
    return coarse_address(case.address)


def public_point(case: Case) -> tuple[float | None, float | None]:
    if case.lat is not None and case.lng is not None:
        return case.lat, case.lng
    for place in (case.building, case.compound):
        if place is not None and place.lat is not None and place.lng is not None:
            return place.lat, place.lng
    return None, None


def media_url_of(case: Case) -> str | None:
    text = case.description or ""
    index = text.find(PRIVATE_MARKER)
    if index < 0:
        return None
    for line in text[index:].splitlines():
        if line.startswith("media_url: "):
            return line[len("media_url: ") :].strip() or None
    return None


def status_of(case: Case) -> str:
    return STATUS_MAP.get(case.status, OPEN)


def notice(case: Case) -> str:
    """What the reporter may expect: the service levels of the case's category."""
    if status_of(case) == CLOSED:
        return ""
    parts = []
    if case.respond_by and not case.responded_at:
        parts.append(f"A first response is due by {w3c(case.respond_by)}.")
    if case.resolve_by and not case.resolved_at:
        parts.append(f"The problem is to be resolved by {w3c(case.resolve_by)}.")
    return " ".join(parts)


def status_notes(event: CaseEvent | None) -> str:
    if event is None:
        return ""
    message = public_text(event.message)
    return f"{timeline.sentence(event)} {message}".strip()


def request_rows(cases) -> list[dict]:
    """The public fields of each case, with the last public step of its timeline."""
    cases = list(cases)
    event_ids = [c.last_public_event_id for c in cases if c.last_public_event_id]
    events = CaseEvent.objects.in_bulk(event_ids)
    return [request_row(c, events.get(c.last_public_event_id)) for c in cases]


def request_row(case: Case, last_event: CaseEvent | None) -> dict:
    lat, lng = public_point(case)
    closed = status_of(case) == CLOSED
    updated = (case.closed_at or case.updated_at) if closed else case.updated_at
    return {
        "service_request_id": case.code,
        "status": status_of(case),
        "status_notes": status_notes(last_event),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": public_text(case.description),
        "agency_responsible": str(case.organisation) if case.organisation_id else "",
        "service_notice": notice(case),
        "requested_datetime": w3c(case.reported_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": w3c(case.resolve_by),
        "address": public_address(case),
        "address_id": "",
        "zipcode": "",
        "lat": lat,
        "long": lng,
        "media_url": media_url_of(case) or "",
    }


def public_cases():
    """Every case, of every community, with what the public fields need."""
    last_public = (
        CaseEvent.objects.filter(case=OuterRef("pk"), public=True)
        .order_by("-at", "-id")
        .values("id")[:1]
    )
    return Case.objects.select_related(
        "category", "organisation", "compound", "building__compound"
    ).annotate(last_public_event_id=Subquery(last_public))


def find_request(code: str) -> Case | None:
    code = (code or "").strip()
    if not code:
        return None
    qs = public_cases()
    return qs.filter(code=code).first() or qs.filter(code=code.upper()).first()


# --- the filters of GET requests ------------------------------------------------------------


def parse_datetime(raw: str, name: str, errors: list[Error]) -> datetime | None:
    """A W3C datetime with its time zone. A '+' of the offset that arrived as a space
    (unencoded in the query string) is put back."""
    if not raw:
        return None
    text = re.sub(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$", r"\1+\2", raw)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        errors.append(
            Error(400, f"{name} is not a W3C datetime (e.g. 2026-05-01T09:00:00+08:00): {raw!r}")
        )
        return None
    if value.tzinfo is None:
        errors.append(Error(400, f"{name} must carry a time zone (Z or ±HH:MM): {raw!r}"))
        return None
    return value


def filter_requests(params, *, now: datetime | None = None) -> tuple:
    """The cases ``GET requests`` answers, and the errors of its arguments."""
    errors: list[Error] = []
    qs = public_cases()
    ids = comma_list(params, "service_request_id")
    if ids:  # overrides every other filter
        return qs.filter(code__in=ids + [i.upper() for i in ids]), errors

    codes = comma_list(params, "service_code")
    if codes:
        qs = qs.filter(category__code__in=codes)

    statuses = [s.lower() for s in comma_list(params, "status")]
    bad = [s for s in statuses if s not in STATUSES_OF]
    if bad:
        errors.append(Error(400, f"status must be open or closed (comma-separated), not {bad}"))
    elif statuses:
        qs = qs.filter(status__in=[v for s in set(statuses) for v in STATUSES_OF[s]])

    start = parse_datetime(param(params, "start_date"), "start_date", errors)
    end = parse_datetime(param(params, "end_date"), "end_date", errors)
    if start and end:
        if end < start:
            errors.append(Error(400, "end_date is before start_date"))
        elif end - start > MAX_WINDOW:
            errors.append(
                Error(400, "start_date to end_date spans more than 90 days; ask for less")
            )
    elif start:
        end = start + MAX_WINDOW
    elif end:
        start = end - MAX_WINDOW
    else:  # the default window: the last 90 days
        start = (now or timezone.now()) - MAX_WINDOW
    if start:
        qs = qs.filter(reported_at__gte=start)
    if end:
        qs = qs.filter(reported_at__lte=end)
    return qs, errors


def listed(qs):
    return qs.order_by("-reported_at", "-id")[:MAX_REQUESTS]


# --- POST requests: reading a submission ----------------------------------------------------

_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_HTML = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>")
_CJK = re.compile(r"[\u3400-\u9fff]")
_BUILDING_IN_ADDRESS = re.compile(r"(\d+)\s*(?:号楼|栋|幢|号)")
_url = URLValidator(schemes=["http", "https"])

# A field of the case's report form → the Open311 argument it came from.
FORM_FIELDS = {
    "title": "description",
    "description": "description",
    "category": "service_code",
    "compound": "location",
    "building": "location",
    "household": "address_id",
    "address": "address_string",
    "lat": "lat",
    "lng": "long",
    "reporter_name": "first_name/last_name",
    "reporter_phone": "phone",
    "photos": "media",
    "__all__": "request",
}


@dataclass
class Submission:
    data: dict = field(default_factory=dict)
    photos: list = field(default_factory=list)
    category: Category | None = None
    account_id: str = ""


def _point_in_ring(lng: float, lat: float, ring) -> bool:
    inside = False
    points = [(float(p[0]), float(p[1])) for p in ring if len(p) >= 2]
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lng < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def compound_at(lat: float, lng: float) -> Compound | None:
    """The compound whose outline holds the point, if any."""
    for compound in Compound.objects.exclude(outline=None).only("id", "outline", "community"):
        outline = compound.outline or {}
        try:
            if outline.get("type") == "Polygon" and _point_in_ring(
                lng, lat, outline["coordinates"][0]
            ):
                return compound
        except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
            continue
    return None


def place_from_address(text: str) -> tuple[Compound | None, Building | None]:
    """A compound named in a free-text address, and the building when its number follows."""
    best = None
    for compound in Compound.objects.only("id", "name"):
        if (
            compound.name
            and compound.name in text
            and (best is None or len(compound.name) > len(best.name))
        ):
            best = compound
    if best is None:
        return None, None
    rest = text[text.index(best.name) + len(best.name) :]
    match = _BUILDING_IN_ADDRESS.match(rest.strip())
    building = None
    if match:
        building = Building.objects.filter(compound=best, number=int(match.group(1))).first()
    return best, building


def _number(raw: str, name: str, lo: float, hi: float, errors: list[Error]) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        errors.append(Error(400, f"{name} is not a number: {raw!r}"))
        return None
    if not math.isfinite(value) or not lo <= value <= hi:
        errors.append(Error(400, f"{name} must lie between {lo:g} and {hi:g} (WGS84): {raw!r}"))
        return None
    return value


def _sent_attributes(params) -> dict[str, list[str]]:
    sent: dict[str, list[str]] = {}
    for key in params:
        match = _ATTRIBUTE_KEY.match(key)
        if match:
            values = [v.strip() for v in params.getlist(key) if v.strip()]
            sent.setdefault(match.group(1).strip(), []).extend(values)
    return sent


def check_attributes(cat: Category, params, errors: list[Error]) -> list[str]:
    """Validate ``attribute[code]`` arguments against the service definition; the readable
    lines for the case (``description: value``)."""
    definitions = attribute_definitions(cat)
    by_code = {d["code"]: d for d in definitions}
    sent = _sent_attributes(params)
    for code in sent:
        if code not in by_code:
            errors.append(
                Error(400, f"attribute[{code}]: service {cat.code} has no attribute {code!r}")
            )
    lines = []
    for d in definitions:
        if not d["variable"]:
            continue
        code = d["code"]
        values = sent.get(code, [])
        name = f"attribute[{code}]"
        if not values:
            if d["required"]:
                errors.append(Error(400, f"{name} is required ({d['description']})"))
            continue
        shown = _check_value(d, name, values, errors)
        if shown is not None:
            lines.append(f"- {d['description']} ({code}): {shown}")
    return lines


def _check_value(d: dict, name: str, values: list[str], errors: list[Error]) -> str | None:
    datatype = d["datatype"]
    if datatype != "multivaluelist" and len(values) > 1:
        errors.append(Error(400, f"{name} takes one value, not {len(values)}"))
        return None
    if datatype in ("singlevaluelist", "multivaluelist"):
        keys = {v["key"]: v["name"] for v in d["values"]}
        unknown = [v for v in values if v not in keys]
        if unknown:
            errors.append(
                Error(400, f"{name}: {unknown} not among the allowed keys {sorted(keys)}")
            )
            return None
        unique = list(dict.fromkeys(values))
        return "; ".join(f"{keys[v]} [{v}]" for v in unique)
    value = values[0]
    if datatype == "number":
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            errors.append(Error(400, f"{name} must be a number, not {value!r}"))
            return None
    elif datatype == "datetime":
        before = len(errors)
        parsed = parse_datetime(value, name, errors)
        if parsed is None or len(errors) > before:
            return None
        value = w3c(parsed)
    else:
        limit = MAX_ATTRIBUTE_LENGTH.get(datatype, 500)
        if len(value) > limit:
            errors.append(Error(400, f"{name} is longer than {limit} characters"))
            return None
    return value


def _title(description: str, cat: Category) -> str:
    first = " ".join(description.strip().splitlines()[0].split()) if description.strip() else ""
    for candidate in (first[:60], cat.name, f"{cat.name} · Open311"):
        if len(candidate) >= 4:
            return candidate
    return f"{cat.name} · Open311 request"


def _reporter_name(first: str, last: str) -> str:
    if _CJK.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def read_submission(params, files, user, errors: list[Error]) -> Submission:
    """Read and check a ``POST requests`` submission; every problem goes into ``errors``
    (several at once). ``user`` is the api_key's account, or None when it was refused (the
    checks that depend on the account are then skipped)."""
    sub = Submission()
    data: dict = {}

    code = param(params, "service_code")
    if not code:
        errors.append(Error(400, "service_code is required"))
    else:
        sub.category = find_service(code)
        if sub.category is None:
            errors.append(Error(404, f"service_code {code!r} is not a service of this endpoint"))
        else:
            data["category"] = sub.category.pk

    # where
    lat_raw, long_raw = param(params, "lat"), param(params, "long")
    address = param(params, "address_string")
    address_id = param(params, "address_id")
    lat = lng = None
    if lat_raw or long_raw:
        if not lat_raw:
            errors.append(Error(400, "lat is missing: lat and long go together"))
        if not long_raw:
            errors.append(Error(400, "long is missing: lat and long go together"))
        if lat_raw and long_raw:
            lat = _number(lat_raw, "lat", -90, 90, errors)
            lng = _number(long_raw, "long", -180, 180, errors)
            if lat is not None and lng is not None:
                data["lat"], data["lng"] = lat, lng
    if address:
        if len(address) > 200:
            errors.append(Error(400, "address_string is longer than 200 characters"))
        elif _HTML.search(address):
            errors.append(Error(400, "address_string must not contain HTML"))
        else:
            data["address"] = address
    household = None
    if address_id:
        if not address_id.isdigit():
            errors.append(Error(400, f"address_id must be a household number, not {address_id!r}"))
        elif user is not None:
            household = (
                Household.objects.visible_to(user)
                .filter(pk=int(address_id), status=HouseholdStatus.ACTIVE)
                .select_related("building")
                .first()
            )
            if household is None:
                errors.append(
                    Error(400, f"address_id {address_id} is not an address this api_key may use")
                )
    if not (lat_raw or long_raw or address or address_id):
        errors.append(
            Error(400, "a location is required: lat and long, address_string or address_id")
        )
    if household is not None:
        data["household"] = household.pk
    else:
        compound = building = None
        if lat is not None and lng is not None:
            compound = compound_at(lat, lng)
        if compound is None and "address" in data:
            compound, building = place_from_address(address)
        if compound is not None:
            data["compound"] = compound.pk
        if building is not None:
            data["building"] = building.pk

    # what
    description = param(params, "description")
    if len(description) > MAX_DESCRIPTION:
        errors.append(
            Error(400, f"description is longer than 4000 characters ({len(description)})")
        )
    elif _HTML.search(description):
        errors.append(Error(400, "description must not contain HTML"))
    lines = check_attributes(sub.category, params, errors) if sub.category else []

    # who
    first, last = param(params, "first_name"), param(params, "last_name")
    name = _reporter_name(first, last)
    if len(name) > 50:
        errors.append(Error(400, "first_name and last_name together exceed 50 characters"))
    elif name:
        data["reporter_name"] = name
    phone = param(params, "phone")
    if phone:
        try:
            data["reporter_phone"] = validate_phone(phone)
        except ValidationError:
            errors.append(
                Error(
                    400,
                    f"phone is not a phone number: {phone!r} (an 11-digit mobile number or a "
                    "landline such as 0533-6123456)",
                )
            )
    extras = []
    email = param(params, "email")
    if email:
        try:
            validate_email(email)
            extras.append(f"email: {email}")
        except ValidationError:
            errors.append(Error(400, f"email is not an e-mail address: {email!r}"))
    for key in ("device_id", "account_id"):
        value = param(params, key)
        if len(value) > 100:
            errors.append(Error(400, f"{key} is longer than 100 characters"))
        elif value:
            extras.append(f"{key}: {value}")
    sub.account_id = param(params, "account_id")[:100]
    media_url = param(params, "media_url")
    if media_url:
        try:
            if len(media_url) > 1000:
                raise ValidationError("too long")
            _url(media_url)
            extras.append(f"media_url: {media_url}")
        except ValidationError:
            errors.append(Error(400, f"media_url is not an http(s) URL: {media_url[:100]!r}"))
    sub.photos = list(files.getlist("media")) if files else []

    if sub.category is not None:
        data["title"] = _title(description, sub.category)
        data["description"] = _with_extras(description, lines, extras)
    sub.data = data
    return sub


def _with_extras(description: str, attribute_lines: list[str], extras: list[str]) -> str:
    """The description, and after the marker the attributes and the client's extras."""
    tail_lines = []
    if attribute_lines:
        tail_lines += ["attributes:", *attribute_lines]
    tail_lines += extras
    if not tail_lines:
        return description
    tail = "\n".join(tail_lines)
    room = MAX_DESCRIPTION - len(PRIVATE_MARKER) - len(tail)
    if len(description) > room:  # keep the extras; shorten the free text
        note = f"\n(description shortened from {len(description)} characters)"
        tail += note
        description = description[: max(0, room - len(note) - 1)] + "…"
    return f"{description}{PRIVATE_MARKER}{tail}"[:MAX_DESCRIPTION]


# --- idempotency ----------------------------------------------------------------------------


def client_tokens(request, user, params, files, *, now: datetime) -> tuple[str, str]:
    """The ``client_token`` for ``services.report`` and one earlier token that also counts as
    the same submission. An ``Idempotency-Key`` header names the submission; without it, a
    ``device_id`` with identical content within ``DEDUP_WINDOW`` does. Tokens are scoped to
    the api_key's account."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if key:
        digest = hashlib.sha256(f"{user.pk}\n{key}".encode()).hexdigest()
        return f"k:{digest[:60]}", ""
    if not param(params, "device_id"):
        return "", ""
    content = sorted(
        (k, tuple(v.strip() for v in params.getlist(k)))
        for k in params
        if k not in ("api_key", "jurisdiction_id")
    )
    uploads = sorted((f.name, f.size) for f in (files.getlist("media") if files else []))
    digest = hashlib.sha256(repr((user.pk, content, uploads)).encode()).hexdigest()[:40]
    bucket = int(now.timestamp() // DEDUP_WINDOW.total_seconds())
    return f"d:{digest}:{bucket}", f"d:{digest}:{bucket - 1}"


def earlier_submission(token: str, *, now: datetime) -> Case | None:
    if not token:
        return None
    return Case.objects.filter(
        source="open311", client_token=token, reported_at__gte=now - DEDUP_WINDOW
    ).first()


def form_field_name(field_name: str) -> str:
    return FORM_FIELDS.get(field_name, field_name)
