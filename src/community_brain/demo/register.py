"""Seed the register of Qiancheng community (千乘社区), Gaoqing county, as the source
describes it: 4 compounds, 2,367 households, 7,400 residents, 66 street shops — synthetic
but plausible people — with grids, organisations and the demo logins.

Deterministic (a fixed random seed) and idempotent: structure is upserted by its codes, and
people are created only when the demo compounds have none yet, in one transaction.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from community_brain.accounts.models import Membership, Organisation, User
from community_brain.accounts.roles import OrganisationKind, Role
from community_brain.core import audit
from community_brain.core.identifiers import id_check_digit, uscc_check_char
from community_brain.demo.names import SHOP_NAMES, SURNAMES, person_name
from community_brain.places import choices
from community_brain.places.models import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    Residency,
    Resident,
    ResidentTag,
    Shop,
)

SEED = 20181
HOUSEHOLDS = 2367
RESIDENTS = 7400
REGION = "370322"  # 高青县
DEMO_PASSWORD = "demo2026"
TODAY = date(2026, 11, 25)

# name, code, households, (lng, lat) of the south-west corner, buildings as (floors, count)
COMPOUNDS = [
    ("维纳锦温泉花园", "WNJ", 700, (117.8405, 37.1712), [(11, 8), (18, 6)], 2012),
    ("红橡树", "HXS", 620, (117.8462, 37.1716), [(6, 10), (11, 10)], 2010),
    ("芦湖雅郡", "LHYJ", 560, (117.8409, 37.1668), [(11, 6), (18, 5)], 2015),
    ("芦湖明珠", "LHMZ", 487, (117.8466, 37.1671), [(6, 9), (11, 7)], 2016),
]
PROPERTY = {
    "WNJ": ("高青锦华物业服务有限公司", "锦华物业"),
    "HXS": ("淄博橡树湾物业管理有限公司", "橡树湾物业"),
    "LHYJ": ("高青雅郡物业服务有限公司", "雅郡物业"),
    "LHMZ": ("高青明珠物业管理有限公司", "明珠物业"),
}
DEVELOPER = {
    "WNJ": ("高青维纳锦置业有限公司", "维纳锦置业"),
    "HXS": ("高青红橡树置业有限公司", "红橡树置业"),
    "LHYJ": ("高青芦湖置业有限公司", "芦湖置业"),
    "LHMZ": ("高青明珠置业有限公司", "明珠置业"),
}
TAGS = [
    ("elderly_alone", "独居老人", "65岁以上独自居住"),
    ("child", "儿童", "14岁以下"),
    ("disability", "残疾人", "持残疾人证"),
    ("party_member", "党员", "中共党员"),
    ("volunteer", "志愿者", "注册志愿者"),
    ("low_income", "低保户", "享受最低生活保障"),
    ("veteran", "退役军人", ""),
    ("key_care", "重点关注", "需要网格员重点关注"),
]

# username, display name, role, organisation code, scope
USERS = [
    ("admin", "系统管理员", Role.SYSTEM_ADMIN, None, {}),
    ("staff", "王晓丽", Role.COMMUNITY_STAFF, "qc-committee", {"community": True}),
    (
        "secretary",
        "杨海霞",
        Role.COMMUNITY_STAFF,
        "qc-committee",
        {"community": True, "leader": True},
    ),
    ("grid", "李春燕", Role.GRID_WORKER, "qc-committee", {"grid": "QC-G01"}),
    ("property", "赵明", Role.PROPERTY_STAFF, "prop-hxs", {}),
    ("developer", "孙立新", Role.PROPERTY_STAFF, "dev-hxs", {}),
    ("officer", "刘海波", Role.DEPARTMENT_OFFICER, "luhu-urban", {}),
    ("inspector", "徐阳春", Role.INSPECTOR, "gq-highway", {}),
    ("supervisor", "崔志强", Role.INSPECTOR, "g233-supervision", {}),
    ("contractor", "耿卫东", Role.CONTRACTOR, "g233-contractor", {}),
    ("resident", None, Role.RESIDENT, None, {"resident": True}),
]
GRID_WORKER_NAMES = ["李春燕", "张海燕", "王立新", "刘晓东", "孙丽萍", "陈冬梅", "高志勇", "于静"]


def _square(lng: float, lat: float, w: float = 0.0042, h: float = 0.0034) -> dict:
    ring = [[lng, lat], [lng + w, lat], [lng + w, lat + h], [lng, lat + h], [lng, lat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def seed(stdout=None) -> dict:
    """Seed everything of the register that is missing. Returns what was created."""
    say = stdout.write if stdout else (lambda s: None)
    with transaction.atomic():
        community = _community()
        orgs = _organisations(community)
        compounds = _compounds(community, orgs)
        grids = _grids(community, compounds)
        tags = _tags()
        created = {}
        if not Household.objects.filter(building__compound__community=community).exists():
            created.update(_people(compounds, tags))
            created["shops"] = _shops(community, compounds, grids)
            say(
                f"Seeded {created['households']} households, {created['residents']} residents, "
                f"{created['shops']} shops.\n"
            )
        _users(community, orgs, grids)
        if created:
            audit.record("demo.seed", community, summary="register", data=created)
    return created


def _community() -> Community:
    community, _ = Community.objects.update_or_create(
        code="QC",
        defaults=dict(
            name="千乘社区",
            street="芦湖街道",
            county="高青县",
            city="淄博市",
            region_code=REGION,
            founded_year=2018,
            area_km2="3.48",
            address="高青县芦湖街道千乘社区党群服务中心",
            lat=37.1700,
            lng=117.8440,
        ),
    )
    return community


def _org(code, name, kind, community=None, short="", phone="", parent=None) -> Organisation:
    org, _ = Organisation.objects.update_or_create(
        code=code,
        defaults=dict(
            name=name, kind=kind, community=community, short_name=short, phone=phone, parent=parent
        ),
    )
    return org


def _organisations(community) -> dict[str, Organisation]:
    street = _org(
        "luhu-street",
        "高青县芦湖街道办事处",
        OrganisationKind.STREET_OFFICE,
        community,
        "芦湖街道",
        "0533-6961001",
    )
    orgs = {
        "luhu-street": street,
        "qc-committee": _org(
            "qc-committee",
            "千乘社区居民委员会",
            OrganisationKind.COMMUNITY_COMMITTEE,
            community,
            "千乘社区",
            "0533-6961234",
            street,
        ),
        "luhu-urban": _org(
            "luhu-urban",
            "芦湖街道城市管理办公室",
            OrganisationKind.GOVERNMENT_DEPARTMENT,
            community,
            "街道城管办",
            "0533-6961011",
            street,
        ),
        "luhu-safety": _org(
            "luhu-safety",
            "芦湖街道应急管理办公室",
            OrganisationKind.GOVERNMENT_DEPARTMENT,
            community,
            "街道应急办",
            "0533-6961012",
            street,
        ),
        "luhu-governance": _org(
            "luhu-governance",
            "芦湖街道综合治理中心",
            OrganisationKind.GOVERNMENT_DEPARTMENT,
            community,
            "街道综治中心",
            "0533-6961013",
            street,
        ),
        "gq-highway": _org(
            "gq-highway",
            "高青公路事业服务中心",
            OrganisationKind.HIGHWAY_CENTRE,
            None,
            "公路中心",
            "0533-6962100",
        ),
        "g233-supervision": _org(
            "g233-supervision",
            "G233克黄线大中修工程总监办",
            OrganisationKind.SUPERVISION_OFFICE,
            None,
            "总监办",
        ),
        "g233-contractor": _org(
            "g233-contractor",
            "G233克黄线大中修工程项目部",
            OrganisationKind.CONTRACTOR,
            None,
            "项目部",
        ),
    }
    for code, (name, short) in PROPERTY.items():
        orgs[f"prop-{code.lower()}"] = _org(
            f"prop-{code.lower()}",
            name,
            OrganisationKind.PROPERTY_COMPANY,
            community,
            short,
            f"0533-69{len(orgs):02d}888",
        )
    for code, (name, short) in DEVELOPER.items():
        orgs[f"dev-{code.lower()}"] = _org(
            f"dev-{code.lower()}", name, OrganisationKind.DEVELOPER, community, short
        )
    return orgs


def _compounds(community, orgs) -> list[Compound]:
    out = []
    for name, code, _n, (lng, lat), _b, built in COMPOUNDS:
        compound, _ = Compound.objects.update_or_create(
            code=code,
            defaults=dict(
                community=community,
                name=name,
                address=f"高青县芦湖街道{name}",
                built_year=built,
                lng=round(lng + 0.0021, 6),
                lat=round(lat + 0.0017, 6),
                outline=_square(lng, lat),
                property_company=orgs[f"prop-{code.lower()}"],
                developer=orgs[f"dev-{code.lower()}"],
            ),
        )
        out.append(compound)
    return out


def _grids(community, compounds) -> list[Grid]:
    """Two grids per compound; buildings split by number."""
    grids = []
    n = 0
    for compound, spec in zip(compounds, COMPOUNDS, strict=True):
        buildings = _buildings(compound, spec)
        half = (len(buildings) + 1) // 2
        for part, members in enumerate((buildings[:half], buildings[half:]), start=1):
            n += 1
            grid, _ = Grid.objects.update_or_create(
                code=f"QC-G{n:02d}",
                defaults=dict(
                    community=community, compound=compound, name=f"{compound.name}第{part}网格"
                ),
            )
            Building.objects.filter(pk__in=[b.pk for b in members]).update(grid=grid)
            grids.append(grid)
    return grids


def _buildings(compound, spec) -> list[Building]:
    _name, _code, _n, (lng, lat), layout, _built = spec
    number = 0
    buildings = []
    total = sum(count for _floors, count in layout)
    cols = 4
    for floors, count in layout:
        for _ in range(count):
            number += 1
            row, col = divmod(number - 1, cols)
            rows = (total + cols - 1) // cols
            b, _ = Building.objects.update_or_create(
                compound=compound,
                number=number,
                defaults=dict(
                    name=f"{number}号楼",
                    units=2,
                    floors=floors,
                    lng=round(lng + 0.0006 + col * 0.0010, 6),
                    lat=round(lat + 0.0005 + row * (0.0026 / max(rows, 1)), 6),
                ),
            )
            buildings.append(b)
    return buildings


def _tags() -> dict[str, ResidentTag]:
    out = {}
    for order, (code, name, description) in enumerate(TAGS):
        out[code], _ = ResidentTag.objects.update_or_create(
            code=code, defaults=dict(name=name, description=description, order=order)
        )
    return out


def _household_sizes(rng: random.Random) -> list[int]:
    sizes = rng.choices([1, 2, 3, 4, 5, 6], weights=[11, 25, 28, 20, 11, 5], k=HOUSEHOLDS)
    while sum(sizes) != RESIDENTS:
        i = rng.randrange(HOUSEHOLDS)
        if sum(sizes) < RESIDENTS and sizes[i] < 6:
            sizes[i] += 1
        elif sum(sizes) > RESIDENTS and sizes[i] > 1:
            sizes[i] -= 1
    return sizes


class _People:
    """Makes unique, valid ID numbers and phone numbers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def birth(self, age_lo: int, age_hi: int) -> date:
        days = self.rng.randint(age_lo * 365 + 1, age_hi * 365 + 300)
        return TODAY - timedelta(days=days)

    def id_number(self, born: date, gender: str) -> str:
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
            first = f"{REGION}{born:%Y%m%d}{seq:03d}"
            value = first + id_check_digit(first)
            if value not in self.ids:
                self.ids.add(value)
                return value

    def phone(self) -> str:
        while True:
            value = (
                self.rng.choice(["139", "138", "158", "186", "135", "150", "177", "133"])
                + f"{self.rng.randrange(10**8):08d}"
            )
            if value not in self.phones:
                self.phones.add(value)
                return value


def _members(rng: random.Random, people: _People, size: int):
    """The people of one household: (relation, gender, birth date, surname)."""
    surname = rng.choice(SURNAMES)
    if size == 1:
        head_age = rng.choice([rng.randint(66, 88), rng.randint(66, 88), rng.randint(24, 60)])
    else:
        head_age = rng.randint(28, 75)
    head_gender = rng.choice("MMMF")
    out = [("head", head_gender, people.birth(head_age, head_age), surname)]
    if size >= 2:
        spouse_age = max(22, head_age + rng.randint(-4, 3))
        out.append(
            (
                "spouse",
                "F" if head_gender == "M" else "M",
                people.birth(spouse_age, spouse_age),
                None,
            )
        )
    remaining = size - len(out)
    if remaining and head_age < 58:
        n_children = min(remaining, rng.choice([1, 1, 2, 2, 3]))
        for _ in range(n_children):
            child_age = max(0, min(head_age - 22, rng.randint(0, 30)))
            out.append(("child", rng.choice("MF"), people.birth(child_age, child_age), surname))
        remaining -= n_children
        if remaining:
            for _ in range(min(remaining, 2)):
                age = min(95, head_age + rng.randint(24, 32))
                out.append(("parent", rng.choice("MF"), people.birth(age, age), None))
            remaining = size - len(out)
    elif remaining:
        # older heads: a grown child's family lives with them
        child_age = max(18, head_age - rng.randint(24, 32))
        out.append(("child", rng.choice("MF"), people.birth(child_age, child_age), surname))
        remaining -= 1
        if remaining:
            in_law_age = max(18, child_age + rng.randint(-3, 3))
            out.append(
                ("child_in_law", rng.choice("MF"), people.birth(in_law_age, in_law_age), None)
            )
            remaining -= 1
        for _ in range(remaining):
            age = rng.randint(0, max(0, min(child_age - 20, 16)))
            out.append(("grandchild", rng.choice("MF"), people.birth(age, age), surname))
    while len(out) < size:
        out.append(("other", rng.choice("MF"), people.birth(18, 60), None))
    return out[:size]


def _people(compounds, tags) -> dict:
    rng = random.Random(SEED)
    people = _People(rng)
    sizes = _household_sizes(rng)
    slots = []  # (compound index, building, unit, floor, room)
    for ci, compound in enumerate(compounds):
        wanted = COMPOUNDS[ci][2]
        dwellings = []
        for b in Building.objects.filter(compound=compound).order_by("number"):
            for unit in range(1, b.units + 1):
                for floor in range(1, b.floors + 1):
                    for door in (1, 2):
                        dwellings.append((b, unit, floor, f"{floor}{door:02d}"))
        if len(dwellings) < wanted:
            raise RuntimeError(f"{compound.name}: {len(dwellings)} dwellings < {wanted}")
        chosen = sorted(rng.sample(range(len(dwellings)), wanted))
        slots.extend(dwellings[i] for i in chosen)

    households = []
    for b, unit, floor, room in slots:
        households.append(
            Household(
                building=b,
                unit=unit,
                floor=floor,
                room=room,
                code=f"{b.compound.code}-{b.number}-{unit}-{room}",
                tenure=rng.choices(["owned", "rented"], weights=[88, 12])[0],
                registered_on=date(rng.randint(2018, 2026), rng.randint(1, 12), rng.randint(1, 28)),
            )
        )
    for h in households:
        h.address = h.compose_address()
    Household.objects.bulk_create(households, batch_size=1000)

    residents, plans = [], []
    for household, size in zip(households, sizes, strict=True):
        for relation, gender, born, surname in _members(rng, people, size):
            r = Resident(
                household=household,
                relation=relation,
                gender=gender,
                birth_date=born,
                community_id=household.building.compound.community_id,
                name=person_name(rng, gender, born.year, surname),
                residence_type=(
                    "migrant"
                    if household.tenure == "rented" and rng.random() < 0.6
                    else rng.choices(["registered", "permanent"], [88, 12])[0]
                ),
            )
            age = (TODAY - born).days // 365
            r.id_number = people.id_number(born, gender) if rng.random() < 0.97 else ""
            r.phone = people.phone() if age >= 16 and rng.random() < 0.9 else ""
            r.fill_derived()
            residents.append(r)
            codes = []
            if age < 14:
                codes.append("child")
            if size == 1 and age >= 65:
                codes.append("elderly_alone")
            if age >= 18 and rng.random() < 0.07:
                codes.append("party_member")
            if 18 <= age <= 70 and rng.random() < 0.05:
                codes.append("volunteer")
            if rng.random() < 0.015:
                codes.append("disability")
            if rng.random() < 0.012:
                codes.append("low_income")
            if gender == "M" and 30 <= age <= 75 and rng.random() < 0.03:
                codes.append("veteran")
            if age >= 80 and rng.random() < 0.3:
                codes.append("key_care")
            plans.append((household, codes))
    Resident.objects.bulk_create(residents, batch_size=1000)

    through = Resident.tags.through
    links, stays, heads = [], [], []
    for r, (household, codes) in zip(residents, plans, strict=True):
        stays.append(
            Residency(
                resident=r,
                household=household,
                relation=r.relation,
                moved_in=max(household.registered_on, r.birth_date),
                moved_in_reason="birth" if r.birth_date > household.registered_on else "registered",
            )
        )
        links.extend(through(resident_id=r.pk, residenttag_id=tags[c].pk) for c in codes)
        if r.relation == "head":
            household.head = r
            heads.append(household)
    Residency.objects.bulk_create(stays, batch_size=1000)
    through.objects.bulk_create(links, batch_size=2000)
    Household.objects.bulk_update(heads, ["head"], batch_size=1000)
    _history(rng, households, people)
    return {"households": len(households), "residents": len(residents)}


def _history(rng, households, people) -> None:
    """A few people who moved away, so the register has history to show."""
    movers = rng.sample(households, 40)
    when = TODAY - timedelta(days=rng.randint(30, 300))
    gone = []
    for h in movers:
        r = Resident(
            household=None,
            relation="child",
            gender=rng.choice("MF"),
            community_id=h.building.compound.community_id,
            birth_date=people.birth(20, 35),
            status=choices.ResidentStatus.MOVED_OUT,
        )
        r.name = person_name(rng, r.gender, r.birth_date.year)
        r.id_number = people.id_number(r.birth_date, r.gender)
        r.fill_derived()
        gone.append((r, h))
    Resident.objects.bulk_create([r for r, _h in gone])
    Residency.objects.bulk_create(
        [
            Residency(
                resident=r,
                household=h,
                relation="child",
                moved_in=h.registered_on,
                moved_out=max(when, h.registered_on),
                moved_out_reason="moved",
            )
            for r, h in gone
        ]
    )


def _shops(community, compounds, grids) -> int:
    rng = random.Random(SEED + 1)
    people = _People(rng)
    shops = []
    for i, (name, trade) in enumerate(SHOP_NAMES):
        compound = compounds[i % len(compounds)]
        grid = [g for g in grids if g.compound_id == compound.pk][i % 2]
        first = (
            f"92{REGION}MA{rng.randrange(16**7):07X}".replace("I", "1")
            .replace("O", "0")
            .replace("S", "5")
            .replace("V", "U")
            .replace("Z", "2")
        )
        licence = first[:17] + uscc_check_char(first[:17])
        gender = rng.choice("MF")
        shop = Shop(
            community=community,
            compound=compound,
            grid=grid,
            name=name,
            trade=trade,
            licence_number=licence,
            contact_name=person_name(rng, gender, 1975),
            contact_phone=people.phone(),
            address=f"千乘大街{10 + i * 2}号",
            lng=round((compound.lng or 0) + rng.uniform(-0.0025, 0.0025), 6),
            lat=round((compound.lat or 0) - 0.0022 + rng.uniform(-0.0004, 0.0004), 6),
            opened_on=date(rng.randint(2012, 2026), rng.randint(1, 12), rng.randint(1, 28)),
        )
        shop.fill_derived()
        shops.append(shop)
    Shop.objects.bulk_create(shops)
    return len(shops)


def _users(community, orgs, grids) -> None:
    for username, display, role, org_code, scope in USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
        kwargs = {}
        if scope.get("community"):
            kwargs["community"] = community
        if scope.get("grid"):
            kwargs["grid"] = next(g for g in grids if g.code == scope["grid"])
        if scope.get("resident"):
            resident = (
                Resident.objects.filter(
                    household__building__compound__code="HXS", relation="head", phone__gt=""
                )
                .order_by("id")
                .first()
            )
            kwargs["household"] = resident.household
            display = resident.name
            user.phone = resident.phone
        user.display_name = display
        user.is_superuser = user.is_staff = role == Role.SYSTEM_ADMIN
        if role == Role.COMMUNITY_STAFF:
            user.is_staff = True
        user.save()
        if role == Role.SYSTEM_ADMIN:
            continue
        Membership.objects.get_or_create(
            user=user,
            role=role,
            organisation=orgs.get(org_code) if org_code else None,
            defaults=dict(is_leader=scope.get("leader", False), **kwargs),
        )
    # every grid has a worker; grid 1's is the demo login "grid"
    for n, grid in enumerate(grids, start=1):
        if n == 1:
            continue
        user, created = User.objects.get_or_create(username=f"grid{n}")
        if created:
            user.set_password(DEMO_PASSWORD)
            user.display_name = GRID_WORKER_NAMES[(n - 1) % len(GRID_WORKER_NAMES)]
            user.save()
        Membership.objects.get_or_create(
            user=user, role=Role.GRID_WORKER, organisation=orgs["qc-committee"], grid=grid
        )
    # property-company staff for every compound, for routing later
    for code in PROPERTY:
        org = orgs[f"prop-{code.lower()}"]
        user, created = User.objects.get_or_create(username=f"property-{code.lower()}")
        if created:
            user.set_password(DEMO_PASSWORD)
            user.display_name = f"{org.short_name}客服"
            user.save()
        Membership.objects.get_or_create(
            user=user, role=Role.PROPERTY_STAFF, organisation=org, defaults={"is_leader": True}
        )
