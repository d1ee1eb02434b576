"""Seed the demo county's power-and-responsibility lists (桓台县权责清单): 45 government
departments plus the establishment office (编办) and the justice bureau (司法局), about 3,700
items with their responsibilities, accountability cases and published versions, a year and a
half of history (items added, changed, cancelled), a provincial catalogue snapshot that
differs from the county list, and one check against it. Three demo logins: ``bianban``
(编办), ``scj`` (县市场监督管理局) and ``sfj`` (县司法局, the legality review).

Item codes: ``<type><region><department><sequence>``, e.g. ``CF370321210001`` — the type's
two letters (XK 许可, CF 处罚, … GG 公共服务), the county's region code 370321 (桓台县), the
department's two-digit number (21 = 县市场监督管理局, 46 = 县司法局) and a four-digit
sequence per department and type. Sub-items take the numbers after their main item.
Catalogue items the county does not hold yet are numbered from 9001; those of departments
the county does not have use department number 00.

Deterministic (a seeded ``random.Random``; dates relative to the day of seeding) and
idempotent: organisations and logins are upserted by code, items are made only when the
county has none, the catalogue only when its demo snapshot is missing — and the check runs
only when the snapshot was just made. Everything is written with ``bulk_create``."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from community_brain.accounts.models import Membership, Organisation, User
from community_brain.accounts.roles import OrganisationKind, Role
from community_brain.core import audit
from community_brain.demo import duty_templates as t
from community_brain.demo.register import DEMO_PASSWORD
from community_brain.duties.choices import ItemStatus
from community_brain.duties.models import (
    Accountability,
    CatalogueEntry,
    CatalogueSnapshot,
    DutyItem,
    ItemVersion,
    Responsibility,
)
from community_brain.duties.services import PUBLIC_FIELDS

SEED = 370321
REGION = "370321"
PREFIX = "ht-"  # organisation codes of the demo county
JUSTICE = "sfj"
HALL = 25  # 县行政审批服务局: the licences of many departments, each under its own law
SNAPSHOT_SOURCE = "山东省政府部门权责清单梳理系统（演示导出）"
BATCH = 1000

# The catalogue's differences from the county list (the check finds exactly these).
NEW_IN_CATALOGUE, UNKNOWN_DEPARTMENT = 40, 5
MISSING_FROM_CATALOGUE, CHANGED_IN_CATALOGUE = 15, 20
CHANGED_SHARE, CANCELLED_SHARE, ADDED_LATER_SHARE = 0.03, 0.02, 0.06

USERS = [  # username, display name, organisation code
    ("bianban", "周文静", f"{PREFIX}bianban"),
    ("scj", "韩建国", f"{PREFIX}scjgj"),
    ("sfj", "吕思源", f"{PREFIX}{JUSTICE}"),  # the justice bureau's legality reviewer
]
UNKNOWN = [  # catalogue items of departments the county does not have
    (
        "县数据资源管理局",
        "CF",
        "对数据处理者未履行数据安全保护义务的行政处罚",
        "《中华人民共和国数据安全法》第四十五条",
    ),
    (
        "县数据资源管理局",
        "JC",
        "对政务数据共享开放情况的监督检查",
        "《中华人民共和国数据安全法》第三十九条",
    ),
    ("县营商环境服务中心", "GG", "涉企政策“免申即享”服务", "《优化营商环境条例》第三十七条"),
    ("县城市更新服务中心", "QT", "城镇老旧小区改造项目备案", "《山东省城市更新条例》第二十一条"),
    (
        "县乡村振兴服务中心",
        "JF",
        "防止返贫监测帮扶资金发放",
        "《中华人民共和国乡村振兴促进法》第六十二条",
    ),
]


def seed(today: date | None = None) -> dict:
    """Seed what is missing. Returns the counts of what was made (empty when nothing)."""
    today = today or timezone.localdate()
    made: dict = {}
    with transaction.atomic():
        departments, orgs = _organisations()
        _users(orgs)
        if not DutyItem.objects.filter(department__in=orgs.values()).exists():
            made.update(_items(departments, orgs, today))
        snapshot = None
        if not CatalogueSnapshot.objects.filter(source=SNAPSHOT_SOURCE).exists():
            snapshot = _catalogue(departments, orgs, today)
            made["catalogue"] = snapshot.entry_count
        if made:
            audit.record("demo.seed", summary="duties", data=made)
    if snapshot is not None:
        from community_brain.duties.check import run_check

        run = run_check(snapshot, trigger="import")
        made["check"] = {
            "new": run.new_count,
            "cancelled": run.cancelled_count,
            "changed": run.changed_count,
        }
    return made


# --- organisations and logins ------------------------------------------------------------------
def _organisations():
    departments = t.departments()
    orgs: dict[int, Organisation] = {}
    for n, d in enumerate(departments):
        kind = (
            OrganisationKind.JUSTICE_BUREAU
            if d.slug == JUSTICE
            else OrganisationKind.GOVERNMENT_DEPARTMENT
        )
        orgs[d.number], _ = Organisation.objects.update_or_create(
            code=f"{PREFIX}{d.slug}",
            defaults=dict(
                name=d.name,
                short_name=d.short[:30],
                kind=kind,
                phone=f"0533-82{100 + n * 7:03d}{n % 10}",
                address=f"桓台县索镇街道中心大街{(n + 1) * 12}号",
            ),
        )
    Organisation.objects.update_or_create(
        code=f"{PREFIX}bianban",
        defaults=dict(
            name="县委机构编制委员会办公室",
            short_name="县委编办",
            kind=OrganisationKind.ESTABLISHMENT_OFFICE,
            phone="0533-8211056",
            address="桓台县索镇街道中心大街1号",
        ),
    )
    return departments, orgs


def _users(orgs) -> None:
    by_code = {o.code: o for o in Organisation.objects.filter(code__in=[u[2] for u in USERS])}
    for username, display, org_code in USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.display_name = display
            user.save()
        Membership.objects.get_or_create(
            user=user, role=Role.DEPARTMENT_OFFICER, organisation=by_code[org_code]
        )


# --- items ------------------------------------------------------------------------------------
def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 105 → 一百零五, 122 → 一百二十二 (up to 999)."""
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{digits[hundreds]}百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    if ones:
        out += digits[ones]
    return out


class _Basis:
    """The legal basis of generated items: the law's title and an article in the part of
    the law that suits the item's type."""

    def __init__(self, rng: random.Random):
        self.rng, self.laws = rng, t.laws()

    def number(self, law: str, kind: str) -> int:
        length = self.laws[law][1]
        start, end = t.ARTICLE_SPAN.get(kind, t.DEFAULT_SPAN)
        return self.rng.randint(max(1, int(length * start)), max(1, int(length * end)))

    def article(self, law: str, kind: str) -> str:
        return self.cite(law, self.number(law, kind))

    def cite(self, law: str, *numbers: int) -> str:
        articles = "、".join(f"第{chinese_number(n)}条" for n in sorted(set(numbers)))
        return f"《{self.laws[law][0]}》{articles}"

    def rank(self, law: str) -> int:
        """Laws before regulations before rules: the order of lines in a legal basis."""
        title = self.laws[law][0]
        if title.endswith("法") and not title.endswith("办法"):
            return 0
        return 1 if title.endswith("条例") else 2


def _plan(departments, rng: random.Random):
    """Every item as a dict (and the unused generated names per department, for the
    catalogue's new items)."""
    basis = _Basis(rng)
    names: set[str] = set()
    planned: list[dict] = []
    spare: dict[int, list[tuple[str, str, str]]] = {}
    for d in departments:
        rows: list[dict] = []
        for kind, name, law, number in d.extras:
            names.add(name)
            rows.append({"type": kind, "name": name, "basis": basis.cite(law, number)})
        room = d.size - len(rows)
        weights = {k: w for k, w in d.mix.items() if k in t.GENERATED or k == "XK"}
        total = sum(weights.values()) or 1
        short = 0
        for kind, weight in weights.items():
            quota = round(room * weight / total)
            made = _licences(d, quota, rows, names, basis, rng) if kind == "XK" else 0
            if kind != "XK":
                made = _generated(d, kind, quota, rows, names, basis, rng)
            short += quota - made
        for kind in sorted(weights, key=weights.get, reverse=True):  # what a type could not fill
            short -= _generated(d, kind, short, rows, names, basis, rng)
        spare[d.number] = [
            (kind, template.format(m=m.phrase), basis.article(m.law, kind))
            for kind in ("CF", "JC", "GG")
            if kind in weights
            for m in d.matters
            for template in t.GENERATED[kind]
            if template.format(m=m.phrase) not in names
        ]
        for row in rows:
            row["department"] = d.number
        planned.extend(rows)
    return planned, spare


def _generated(d, kind, quota, rows, names, basis, rng) -> int:
    if quota <= 0 or kind not in t.GENERATED:
        return 0
    candidates = [(tpl.format(m=m.phrase), m) for m in d.matters for tpl in t.GENERATED[kind]]
    rng.shuffle(candidates)
    made = 0
    for name, matter in candidates:
        if made >= quota:
            break
        if name in names:
            continue
        names.add(name)
        rows.append({"type": kind, "name": name, "basis": _lines(basis, d, matter.law, kind, rng)})
        made += 1
    return made


def _licences(d, quota, rows, names, basis, rng) -> int:
    """Licensing items: each licence a main item, most with sub-items (新办/变更/延续/注销)."""
    licensed = [m for m in d.matters if m.licence]
    rng.shuffle(licensed)
    made = 0
    for m in licensed:
        if made >= quota or m.licence in names:
            continue
        names.add(m.licence)
        text = _lines(basis, d, m.law, "XK", rng)
        main = {"type": "XK", "name": m.licence, "basis": text, "subs": []}
        rows.append(main)
        made += 1
        if quota - made >= len(t.SUB_ITEMS) and rng.random() < (0.9 if d.number == HALL else 0.6):
            for suffix in t.SUB_ITEMS:
                main["subs"].append({"type": "XK", "name": m.licence + suffix, "basis": text})
                made += 1
    return made


def _lines(basis: _Basis, d, law: str, kind: str, rng) -> str:
    """The article of the matter's law — sometimes two of its articles — and now and then a
    line of another law the department applies; the higher law first."""
    numbers = [basis.number(law, kind)]
    if rng.random() < 0.2:
        numbers.append(basis.number(law, kind))
    lines = [(basis.rank(law), basis.cite(law, *numbers))]
    others = sorted({m.law for m in d.matters} - {law}) if d.number != HALL else []
    if others and rng.random() < 0.15:
        other = rng.choice(others)
        lines.append((basis.rank(other), basis.article(other, kind)))
    return "\n".join(text for _rank, text in sorted(lines, key=lambda line: line[0]))


def _fields(row: dict, d, rng: random.Random) -> dict:
    kind = row["type"]
    statutory = t.STATUTORY_DAYS.get(kind)
    if kind == "XK":
        statutory = rng.choice([20, 20, 20, 15, 10, 30])
    promised = rng.choice([1, 3, 5, 5, 7, 10]) if statutory else None
    if promised and promised > statutory:
        promised = statutory
    same_power = kind in ("XK", "CF") and rng.random() < 0.1
    entrusted = kind in ("CF", "JC") and d.number in (19, 24) and rng.random() < 0.12
    notes = "\n".join(
        text for flag, text in ((same_power, "市县同权"), (entrusted, "委托镇（街道）实施")) if flag
    )
    return {
        "name": row["name"][:300],
        "type": kind,
        "basis": row["basis"],
        "implementing_body": d.name,
        "internal_unit": rng.choice(d.units),
        "statutory_days": statutory,
        "promised_days": promised,
        "charges_fee": kind == "XK" and rng.random() < 0.05,
        "same_power": same_power,
        "entrusted": entrusted,
        "enterprise": kind in ("CF", "JC", "XK", "QZ") and rng.random() < 0.45,
        "notes": notes,
    }


def _duties(kind: str, rng: random.Random, stages, cases):
    steps = stages[kind]
    low = max(3, len(steps) - 3)
    chosen = sorted(rng.sample(range(len(steps)), rng.randint(min(low, len(steps)), len(steps))))
    responsibilities = [
        {"stage": steps[i][0], "content": steps[i][1], "basis": steps[i][2]} for i in chosen
    ]
    pool = cases.get(kind, []) + cases["*"]
    picked = rng.sample(pool, rng.randint(1, min(3, len(pool))))
    accountabilities = [{"situation": s, "basis": b} for s, b in picked]
    return responsibilities, accountabilities


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _items(departments, orgs, today: date) -> dict:
    rng = random.Random(SEED)
    by_number = {d.number: d for d in departments}
    planned, _spare = _plan(departments, rng)
    stages, cases = t.stages(), t.accountability()
    sequence: Counter = Counter()
    published = today - timedelta(days=540)  # the list in force since then

    def build(row, parent=None):
        d = by_number[row["department"]]
        sequence[(row["type"], d.number)] += 1
        item = DutyItem(
            code=f"{row['type']}{REGION}{d.number:02d}{sequence[(row['type'], d.number)]:04d}",
            department=orgs[d.number],
            parent=parent,
            **_fields(row, d, rng),
        )
        item.duties = _duties(row["type"], rng, stages, cases)
        later = rng.random() < ADDED_LATER_SHARE
        item.added = (
            parent.added
            if parent
            else published + timedelta(days=rng.randint(30, 480) if later else 0)
        )
        return item

    mains, subs = [], []
    for row in planned:
        main = build(row)
        mains.append(main)
        for sub in row.get("subs", []):
            subs.append(build({**sub, "department": row["department"]}, parent=main))
    DutyItem.objects.bulk_create(mains, batch_size=BATCH)
    for sub in subs:
        sub.parent_id = sub.parent.pk
    DutyItem.objects.bulk_create(subs, batch_size=BATCH)
    items = mains + subs
    with_subs = {s.parent_id for s in subs}
    leaves = [i for i in items if i.pk not in with_subs and i.added == published]
    rng.shuffle(leaves)
    cancelled = leaves[: round(len(items) * CANCELLED_SHARE)]
    changed = leaves[len(cancelled) : len(cancelled) + round(len(items) * CHANGED_SHARE)]
    for item in cancelled:
        item.status, item.version = ItemStatus.CANCELLED, 2
    for item in changed:
        item.version = 2
    DutyItem.objects.bulk_update(cancelled + changed, ["status", "version"], batch_size=BATCH)
    _relations(items)
    versions = _versions(items, cancelled, changed, today, rng)
    return {
        "items": len(items),
        "cancelled": len(cancelled),
        "changed": len(changed),
        "versions": versions,
    }


def _relations(items) -> None:
    responsibilities, accountabilities = [], []
    for item in items:
        duties, cases = item.duties
        responsibilities += [Responsibility(item=item, order=n, **r) for n, r in enumerate(duties)]
        accountabilities += [Accountability(item=item, order=n, **a) for n, a in enumerate(cases)]
    Responsibility.objects.bulk_create(responsibilities, batch_size=BATCH)
    Accountability.objects.bulk_create(accountabilities, batch_size=BATCH)


def _data(item: DutyItem) -> dict:
    """What ``services.published_fields`` gives, built from the objects in hand."""
    duties, cases = item.duties
    return {
        **{name: getattr(item, name) for name in PUBLIC_FIELDS},
        "department": item.department.name,
        "department_id": item.department_id,
        "parent": item.parent.code if item.parent is not None else "",
        "responsibilities": duties,
        "accountabilities": cases,
    }


def _earlier(item: DutyItem, data: dict, rng) -> tuple[dict, str]:
    """The item's first version, before the change that made it what it is: a name
    reworded, an article renumbered by a law's revision, or a longer promised time."""
    old = dict(data)
    if "未按规定" in item.name:
        old["name"] = item.name.replace("未按规定", "未依照规定", 1)
        return old, "依据上级清单统一调整事项名称"
    if item.promised_days and item.promised_days > 1:
        old["promised_days"] = item.promised_days + rng.choice([2, 3, 5])
        return old, "压缩承诺办理时限"
    old["basis"] = _renumber(item.basis, -1)
    return old, "法律修正后更新设定依据条款"


def _versions(items, cancelled, changed, today: date, rng) -> int:
    gone = {i.pk for i in cancelled}
    reworded = {i.pk for i in changed}
    rows = []
    for item in items:
        data = _data(item)
        start = _at(item.added)
        if item.pk in gone:
            end = _at(today - timedelta(days=rng.randint(60, 150)))
            active = {**data, "status": ItemStatus.ACTIVE}
            rows += [
                ItemVersion(
                    item=item, version=1, valid_from=start, valid_to=end, change="add", data=active
                ),
                ItemVersion(
                    item=item,
                    version=2,
                    valid_from=end,
                    change="cancel",
                    reason="上位法修订，该事项设定依据已废止",
                    data=data,
                ),
            ]
        elif item.pk in reworded:
            end = _at(today - timedelta(days=rng.randint(35, 200)))
            old, reason = _earlier(item, data, rng)
            rows += [
                ItemVersion(
                    item=item, version=1, valid_from=start, valid_to=end, change="add", data=old
                ),
                ItemVersion(
                    item=item, version=2, valid_from=end, change="change", reason=reason, data=data
                ),
            ]
        else:
            rows.append(
                ItemVersion(
                    item=item,
                    version=1,
                    valid_from=start,
                    change="add",
                    reason="权责清单发布",
                    data=data,
                )
            )
    ItemVersion.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


# --- the provincial catalogue -----------------------------------------------------------------
def _catalogue(departments, orgs, today: date) -> CatalogueSnapshot:
    """The catalogue as the county's items in force, less some, plus some, some reworded."""
    rng = random.Random(SEED + 1)
    _planned, spare = _plan(departments, random.Random(SEED))
    names = {o.pk: o.name for o in orgs.values()}
    active = list(
        DutyItem.objects.filter(department__in=orgs.values(), status=ItemStatus.ACTIVE)
        .order_by("code")
        .values("code", "name", "type", "basis", "department_id")
    )
    parents = set(
        DutyItem.objects.filter(parent__isnull=False).values_list("parent__code", flat=True)
    )
    leaves = [a for a in active if a["code"] not in parents]
    rng.shuffle(leaves)
    missing = {a["code"] for a in leaves[:MISSING_FROM_CATALOGUE]}
    reworded = [a for a in leaves[MISSING_FROM_CATALOGUE:] if "未按规定" in a["name"]]
    renamed = {a["code"] for a in reworded[: CHANGED_IN_CATALOGUE // 2]}
    rest = [a for a in leaves[MISSING_FROM_CATALOGUE:] if a["code"] not in renamed]
    renumbered = {a["code"] for a in rest[: CHANGED_IN_CATALOGUE - len(renamed)]}
    snapshot = CatalogueSnapshot.objects.create(
        taken_on=today - timedelta(days=3), source=SNAPSHOT_SOURCE
    )
    entries = []
    for a in active:
        if a["code"] in missing:
            continue
        name, basis = a["name"], a["basis"]
        if a["code"] in renamed:
            name = name.replace("未按规定", "未依照规定", 1)
        elif a["code"] in renumbered:
            basis = _renumber(basis, 1)
        entries.append(
            CatalogueEntry(
                snapshot=snapshot,
                code=a["code"],
                name=name,
                type=a["type"],
                basis=basis,
                department_name=names[a["department_id"]],
            )
        )
    entries += _new_entries(snapshot, departments, spare, rng)
    CatalogueEntry.objects.bulk_create(entries, batch_size=BATCH)
    snapshot.entry_count = len(entries)
    snapshot.save(update_fields=["entry_count"])
    return snapshot


def _renumber(basis: str, by: int) -> str:
    """The first article moved by ``by``, as when a law's revision inserts or drops one."""
    head, _sep, tail = basis.partition("第")
    number, _sep2, after = tail.partition("条")
    values = {chinese_number(n): n for n in range(1, 300)}
    old = values.get(number)
    if old and old + by >= 1:
        return f"{head}第{chinese_number(old + by)}条{after}"
    return basis + "（2025年修订）"


def _new_entries(snapshot, departments, spare, rng) -> list[CatalogueEntry]:
    known = [d for d in departments if d.slug != JUSTICE and spare.get(d.number)]
    weights = [d.size for d in known]
    taken: Counter = Counter()
    entries = []
    while len(entries) < NEW_IN_CATALOGUE - UNKNOWN_DEPARTMENT:
        d = rng.choices(known, weights=weights)[0]
        pool = spare[d.number]
        if taken[d.number] >= len(pool):
            continue
        kind, name, basis = pool[taken[d.number]]
        taken[d.number] += 1
        code = f"{kind}{REGION}{d.number:02d}{9000 + taken[d.number]:04d}"
        entries.append(
            CatalogueEntry(
                snapshot=snapshot,
                code=code,
                name=name,
                type=kind,
                basis=basis,
                department_name=d.name,
            )
        )
    for n, (department, kind, name, basis) in enumerate(UNKNOWN, start=1):
        entries.append(
            CatalogueEntry(
                snapshot=snapshot,
                code=f"{kind}{REGION}00{9000 + n:04d}",
                name=name,
                type=kind,
                basis=basis,
                department_name=department,
            )
        )
    return entries
