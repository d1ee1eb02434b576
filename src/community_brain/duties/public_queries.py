"""Read side of the public site (公示): the county's list in force — now from the live rows,
or as of a past date from the published versions (``ItemVersion.data``) — filtered by
keyword, department and type, and one item as a plain view for the page.

Only published fields leave this module: never claim tasks, findings, the reasons of
changes, who made them, or notes marked internal (a notes line starting with 内部 /
【内部】 / [内部] / internal:)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from community_brain.accounts.models import Organisation
from community_brain.duties.choices import TYPE_NAMES, ItemStatus, ItemType
from community_brain.duties.models import DutyItem, ItemVersion
from community_brain.duties.services import PUBLIC_FIELDS

CHINESE_TYPE = {code: name for name, code in TYPE_NAMES.items()}
INTERNAL_NOTE = re.compile(r"^\s*(【内部】|\[内部\]|内部[:：]|internal:)", re.IGNORECASE)
EARLIEST = date(1949, 10, 1)
LIST_COLUMNS = ("code", "name", "type", "basis", "department__name")
# The item's own public fields (the rest of the page comes from its relations): the same
# as a published version holds.
SCALARS = PUBLIC_FIELDS


class BadDate(ValueError):
    """An ``as_of`` that is not a date; the message says how to write one."""


def parse_as_of(text: str | None) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= date(2999, 12, 31):
        raise BadDate(
            _(
                "“%(text)s” is not a date the list can be shown for: "
                "write it as YYYY-MM-DD, e.g. %(example)s."
            )
            % {"text": text[:40], "example": timezone.localdate().isoformat()}
        )
    return day


def end_of(day: date) -> datetime:
    """The first instant after ``day`` (local time): a version is in force at the end of the
    day when it started before this instant and ends at it or later."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def type_name(code: str) -> str:
    """The type as a resident reads it: 行政处罚 in Chinese, the English label otherwise."""
    if (get_language() or "zh").startswith("zh"):
        return CHINESE_TYPE.get(code, code)
    try:
        return str(ItemType(code).label)
    except ValueError:
        return code


def public_notes(text: str) -> str:
    return "\n".join(
        line for line in (text or "").splitlines() if line.strip() and not INTERNAL_NOTE.match(line)
    )


# --- the list ---------------------------------------------------------------------------------
@dataclass
class Filters:
    q: str = ""
    department: int | None = None
    type: str = ""
    as_of: date | None = None

    @classmethod
    def from_params(cls, params) -> tuple[Filters, str]:
        """The filters of the query string, and an error message for a bad ``as_of``."""
        error = ""
        try:
            as_of = parse_as_of(params.get("as_of"))
        except BadDate as exc:
            as_of, error = None, str(exc)
        department = params.get("department", "")
        kind = params.get("type", "")
        return (
            cls(
                q=params.get("q", "").replace("\x00", "").strip()[:100],
                department=int(department) if _small_number(department) else None,
                type=kind if kind in ItemType.values else "",
                as_of=as_of,
            ),
            error,
        )


def _small_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 9


@dataclass
class Row:
    code: str
    name: str
    type: str
    department: str
    basis: str

    @property
    def type_name(self) -> str:
        return type_name(self.type)

    @property
    def first_basis(self) -> str:
        return (self.basis or "").strip().splitlines()[0] if (self.basis or "").strip() else ""


def live_items(filters: Filters) -> QuerySet:
    """The items in force now, filtered, ordered by code (the unique index)."""
    qs = DutyItem.objects.filter(status=ItemStatus.ACTIVE)
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q)
            | Q(code__icontains=filters.q)
            | Q(basis__icontains=filters.q)
        )
    if filters.department:
        qs = qs.filter(department_id=filters.department)
    return qs


def versions_in_force(day: date) -> QuerySet:
    """Every item's version in force at the end of ``day`` (whatever its status)."""
    end = end_of(day)
    return ItemVersion.objects.filter(valid_from__lt=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=end)
    )


def past_items(filters: Filters) -> QuerySet:
    """The items in force at the end of ``filters.as_of``, as published then."""
    qs = versions_in_force(filters.as_of).filter(data__status=ItemStatus.ACTIVE)
    if filters.q:
        qs = qs.filter(
            Q(data__name__icontains=filters.q)
            | Q(data__code__icontains=filters.q)
            | Q(data__basis__icontains=filters.q)
        )
    if filters.department:
        qs = qs.filter(data__department_id=filters.department)
    return qs


def list_rows(filters: Filters) -> QuerySet:
    """The filtered list, type filter included, ordered by code (rows made by ``as_rows``)."""
    if filters.as_of:
        qs = past_items(filters)
        if filters.type:
            qs = qs.filter(data__type=filters.type)
        return qs.order_by("item__code")  # an item's code never changes: the index serves
    qs = live_items(filters)
    if filters.type:
        qs = qs.filter(type=filters.type)
    return qs.order_by("code").values(*LIST_COLUMNS)


def as_rows(objects, filters: Filters) -> list[Row]:
    if filters.as_of:
        return [
            Row(
                code=v.data.get("code", ""),
                name=v.data.get("name", ""),
                type=v.data.get("type", ""),
                department=v.data.get("department", ""),
                basis=v.data.get("basis", ""),
            )
            for v in objects
        ]
    return [
        Row(
            code=i["code"],
            name=i["name"],
            type=i["type"],
            department=i["department__name"],
            basis=i["basis"],
        )
        for i in objects
    ]


def type_counts(filters: Filters) -> list[dict]:
    """How many items of each type match the other filters: the chips above the list."""
    if filters.as_of:
        counted = (
            past_items(filters)
            .annotate(kind=KeyTextTransform("type", "data"))
            .values("kind")
            .annotate(n=Count("id"))
        )
    else:
        counted = live_items(filters).values(kind=F("type")).annotate(n=Count("id"))
    numbers = {c["kind"]: c["n"] for c in counted}
    return [
        {"code": code, "name": type_name(code), "n": numbers[code]}
        for code in ItemType.values
        if numbers.get(code)
    ]


def departments() -> QuerySet:
    """The departments that hold (or held) items, for the filter."""
    return (
        Organisation.objects.filter(pk__in=DutyItem.objects.values("department_id"))
        .order_by("name")
        .only("pk", "name")
    )


EXPORT_HEADER = [
    "事项编码",
    "事项名称",
    "事项类型",
    "实施部门",
    "设定依据",
    "实施主体",
    "承办机构",
    "法定时限（工作日）",
    "承诺时限（工作日）",
    "是否收费",
    "备注",
]


def export_rows(filters: Filters):
    """The filtered list's rows for the .xlsx, streamed."""
    if filters.as_of:
        qs = list_rows(filters).only("data")
        records = (v.data for v in qs.iterator(chunk_size=1000))
    else:
        qs = live_items(filters)
        if filters.type:
            qs = qs.filter(type=filters.type)
        records = (
            {**i, "department": i["department__name"]}
            for i in qs.order_by("code")
            .values(*SCALARS, "department__name")
            .iterator(chunk_size=1000)
        )
    for d in records:
        yield [
            d.get("code", ""),
            d.get("name", ""),
            CHINESE_TYPE.get(d.get("type", ""), d.get("type", "")),
            d.get("department", ""),
            d.get("basis", ""),
            d.get("implementing_body", ""),
            d.get("internal_unit", ""),
            d.get("statutory_days") or "",
            d.get("promised_days") or "",
            "是" if d.get("charges_fee") else "否",
            "；".join(_flags(d) + public_notes(d.get("notes", "")).splitlines()),
        ]


def _flags(d: dict) -> list[str]:
    return [
        label
        for key, label in (("same_power", "同权"), ("entrusted", "委托"), ("enterprise", "涉企"))
        if d.get(key)
    ]


# --- one item --------------------------------------------------------------------------------
CHANGE_COLOURS = {"add": "green", "change": "blue", "cancel": "red", "devolve": "orange"}


def change_label(kind: str) -> str:
    labels = {
        "add": _("added"),
        "change": _("changed"),
        "cancel": _("cancelled"),
        "devolve": _("devolved"),
    }
    return labels.get(kind, _("changed"))


@dataclass
class HistoryEntry:
    version: int
    valid_from: datetime
    valid_to: datetime | None
    change: str
    shown: bool = False

    @property
    def label(self) -> str:
        return change_label(self.change)

    @property
    def colour(self) -> str:
        return CHANGE_COLOURS.get(self.change, "blue")


@dataclass
class ItemPage:
    """An item as the public page shows it — from the live rows or from a version's data."""

    code: str
    name: str
    type: str
    department: str
    basis: str = ""
    implementing_body: str = ""
    internal_unit: str = ""
    statutory_days: int | None = None
    promised_days: int | None = None
    charges_fee: bool = False
    same_power: bool = False
    entrusted: bool = False
    enterprise: bool = False
    notes: str = ""
    status: str = ItemStatus.ACTIVE
    parent: str = ""
    responsibilities: list[dict] = field(default_factory=list)
    accountabilities: list[dict] = field(default_factory=list)
    sub_items: list[dict] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    cancelled_since: datetime | None = None

    @property
    def type_name(self) -> str:
        return type_name(self.type)

    @property
    def basis_lines(self) -> list[str]:
        return [line.strip() for line in (self.basis or "").splitlines() if line.strip()]

    @property
    def flags(self) -> list[str]:
        return _flags(self.__dict__)

    @property
    def cancelled(self) -> bool:
        return self.status == ItemStatus.CANCELLED

    @property
    def stages(self) -> list[dict]:
        """Responsibilities grouped by stage, in order: [{stage, entries: [...]}]."""
        grouped: list[dict] = []
        for r in self.responsibilities:
            if grouped and grouped[-1]["stage"] == r.get("stage"):
                grouped[-1]["entries"].append(r)
            else:
                grouped.append({"stage": r.get("stage", ""), "entries": [r]})
        return grouped


def _page_from(data: dict, **extra) -> ItemPage:
    fields = {k: data.get(k) for k in ItemPage.__dataclass_fields__ if k in data}
    fields["notes"] = public_notes(fields.get("notes") or "")
    fields["responsibilities"] = [
        {k: r.get(k, "") for k in ("stage", "content", "basis")}
        for r in data.get("responsibilities") or []
    ]
    fields["accountabilities"] = [
        {k: a.get(k, "") for k in ("situation", "basis")}
        for a in data.get("accountabilities") or []
    ]
    return ItemPage(**{**fields, **extra})


def _history(item_id: int, shown: int | None) -> list[HistoryEntry]:
    return [
        HistoryEntry(**v, shown=v["version"] == shown)
        for v in ItemVersion.objects.filter(item_id=item_id)
        .order_by("version")
        .values("version", "valid_from", "valid_to", "change")
    ]


def item_id_for(code: str) -> int | None:
    if len(code) > 40 or "\x00" in code:
        return None
    return DutyItem.objects.filter(code=code).values_list("pk", flat=True).first()


def live_item(item_id: int) -> ItemPage:
    item = DutyItem.objects.select_related("department", "parent").get(pk=item_id)
    history = _history(item.pk, item.version)
    data = {
        **{name: getattr(item, name) for name in SCALARS},
        "department": item.department.name,
        "parent": item.parent.code if item.parent_id else "",
        "responsibilities": list(item.responsibilities.values("stage", "content", "basis")),
        "accountabilities": list(item.accountabilities.values("situation", "basis")),
    }
    cancelled_since = None
    if item.status == ItemStatus.CANCELLED and history:
        cancelled_since = history[-1].valid_from
    subs = [
        {"code": c, "name": n}
        for c, n in item.sub_items.filter(status=ItemStatus.ACTIVE)
        .order_by("code")
        .values_list("code", "name")
    ]
    return _page_from(data, history=history, cancelled_since=cancelled_since, sub_items=subs)


def past_item(item_id: int, day: date) -> ItemPage | None:
    """The item as published at the end of ``day``; None when it was not yet on the list."""
    version = versions_in_force(day).filter(item_id=item_id).order_by("-version").first()
    if version is None:
        return None
    history = _history(item_id, version.version)
    cancelled_since = None
    if version.data.get("status") == ItemStatus.CANCELLED:
        cancelled_since = version.valid_from
    subs = [
        {"code": d.get("code", ""), "name": d.get("name", "")}
        for d in versions_in_force(day)
        .filter(data__parent=version.data.get("code", ""), data__status=ItemStatus.ACTIVE)
        .order_by("item__code")
        .values_list("data", flat=True)
    ]
    return _page_from(
        version.data, history=history, cancelled_since=cancelled_since, sub_items=subs
    )
