"""A small, complete world for tests: one community, two compounds, three grids, a household
per building, and one user per role. Built through the same services the product uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from community_brain.accounts import services as account_services
from community_brain.accounts.models import Organisation, User
from community_brain.accounts.roles import OrganisationKind, Role
from community_brain.core.identifiers import id_check_digit, uscc_check_char
from community_brain.places import services as place_services
from community_brain.places.models import Building, Community, Compound, Grid, ResidentTag

PASSWORD = "test-pass-2026"


def make_id_number(birth: str = "19800101", seq: int = 1, region: str = "370322") -> str:
    first = f"{region}{birth}{seq:03d}"
    return first + id_check_digit(first)


def make_uscc(body: str = "92370322MA3C4D5E6") -> str:
    return body + uscc_check_char(body)


@dataclass
class World:
    community: Community
    compounds: dict[str, Compound] = field(default_factory=dict)
    grids: dict[str, Grid] = field(default_factory=dict)
    buildings: dict[str, Building] = field(default_factory=dict)
    households: dict = field(default_factory=dict)
    residents: dict = field(default_factory=dict)
    shops: dict = field(default_factory=dict)
    orgs: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def _user(name, **kwargs) -> User:
    return account_services.create_user(by=None, username=name, password=PASSWORD, **kwargs)


def make_world() -> World:
    community = Community.objects.create(name="测试社区", code="TS", region_code="370322")
    w = World(community=community)
    org = lambda code, name, kind, **kw: Organisation.objects.create(  # noqa: E731
        code=code, name=name, kind=kind, **kw
    )
    w.orgs["committee"] = org(
        "committee", "测试社区居委会", OrganisationKind.COMMUNITY_COMMITTEE, community=community
    )
    w.orgs["dept"] = org(
        "dept", "街道城管办", OrganisationKind.GOVERNMENT_DEPARTMENT, community=community
    )
    w.orgs["prop_a"] = org(
        "prop-a", "甲物业", OrganisationKind.PROPERTY_COMPANY, community=community
    )
    w.orgs["prop_b"] = org(
        "prop-b", "乙物业", OrganisationKind.PROPERTY_COMPANY, community=community
    )
    w.orgs["highway"] = org("highway", "公路中心", OrganisationKind.HIGHWAY_CENTRE)
    w.orgs["contractor"] = org("builder", "项目部", OrganisationKind.CONTRACTOR)
    for key, name, prop in (("a", "甲小区", "prop_a"), ("b", "乙小区", "prop_b")):
        w.compounds[key] = Compound.objects.create(
            community=community, name=name, code=f"C{key.upper()}", property_company=w.orgs[prop]
        )
    for key, compound in (("a1", "a"), ("a2", "a"), ("b1", "b")):
        w.grids[key] = Grid.objects.create(
            community=community, compound=w.compounds[compound], code=f"G-{key}", name=f"网格{key}"
        )
        w.buildings[key] = Building.objects.create(
            compound=w.compounds[compound],
            grid=w.grids[key],
            number=int(key[1]),
            name=f"{key[1]}号楼",
            units=2,
            floors=6,
        )
    for tag in (("elderly_alone", "独居老人"), ("child", "儿童"), ("party_member", "党员")):
        ResidentTag.objects.create(code=tag[0], name=tag[1])

    w.users["admin"] = _user("admin", is_superuser=True)
    w.users["staff"] = _user("staff", display_name="社区干部")
    account_services.add_membership(
        by=None,
        user=w.users["staff"],
        role=Role.COMMUNITY_STAFF,
        organisation=w.orgs["committee"],
        community=community,
    )
    seq = 0
    for key, building in w.buildings.items():
        household = place_services.create_household(
            by=w.users["staff"],
            data={"building": building.pk, "unit": 1, "floor": 3, "room": "301", "tenure": "owned"},
        )
        w.households[key] = household
        for relation, name, gender in (("head", f"王{key}强", "M"), ("spouse", f"李{key}芳", "F")):
            seq += 1
            w.residents[f"{key}-{relation}"] = place_services.register_resident(
                by=w.users["staff"],
                household=household,
                data={
                    "name": name,
                    "gender": gender,
                    "relation": relation,
                    "id_number": make_id_number("19700101", seq * 2 + (gender == "M")),
                    "phone": f"1395331{seq:04d}",
                    "residence_type": "registered",
                },
            )
    w.shops["a"] = place_services.create_shop(
        by=w.users["staff"],
        community=community,
        data={
            "name": "甲便利店",
            "trade": "retail",
            "compound": w.compounds["a"].pk,
            "grid": w.grids["a1"].pk,
            "contact_name": "赵老板",
            "contact_phone": "13953300001",
        },
    )
    w.shops["b"] = place_services.create_shop(
        by=w.users["staff"],
        community=community,
        data={
            "name": "乙面馆",
            "trade": "catering",
            "compound": w.compounds["b"].pk,
            "grid": w.grids["b1"].pk,
        },
    )

    grants = {
        "grid": (Role.GRID_WORKER, "committee", {"grid": w.grids["a1"]}),
        "property": (Role.PROPERTY_STAFF, "prop_a", {}),
        "officer": (Role.DEPARTMENT_OFFICER, "dept", {}),
        "inspector": (Role.INSPECTOR, "highway", {}),
        "contractor": (Role.CONTRACTOR, "contractor", {}),
        "resident": (Role.RESIDENT, None, {"household": w.households["a1"]}),
    }
    for name, (role, org_key, scope) in grants.items():
        w.users[name] = _user(name)
        account_services.add_membership(
            by=None,
            user=w.users[name],
            role=role,
            organisation=w.orgs[org_key] if org_key else None,
            **scope,
        )
    return w


def make_case_setup(w: World) -> dict:
    """Categories with service levels and routing rules for the test world."""
    from community_brain.cases.choices import RouteTarget
    from community_brain.cases.models import Category, RoutingRule

    cats = {}
    cats["property"] = Category.objects.create(
        code="property", name="物业服务", respond_hours=24, resolve_workdays=5
    )
    cats["repair"] = Category.objects.create(
        code="property-repair",
        name="维修不及时",
        parent=cats["property"],
        respond_hours=24,
        resolve_workdays=5,
    )
    cats["dispute"] = Category.objects.create(
        code="dispute", name="邻里纠纷", respond_hours=24, resolve_workdays=3
    )
    cats["noise"] = Category.objects.create(
        code="dispute-noise", name="噪音扰民", parent=cats["dispute"], resolve_workdays=3
    )
    cats["road"] = Category.objects.create(
        code="road", name="道路破损", respond_hours=48, resolve_workdays=10
    )
    RoutingRule.objects.create(
        category=cats["property"], target=RouteTarget.PROPERTY_COMPANY, order=10
    )
    RoutingRule.objects.create(
        category=cats["dispute"],
        target=RouteTarget.ORGANISATION,
        organisation=w.orgs["committee"],
        order=20,
    )
    RoutingRule.objects.create(
        category=cats["road"],
        target=RouteTarget.ORGANISATION,
        organisation=w.orgs["dept"],
        order=30,
    )
    return cats


def report_case(
    w: World,
    cats: dict,
    *,
    by="staff",
    category="repair",
    compound="a",
    building=None,
    source="staff",
    title="楼道灯坏了很久",
    **extra,
):
    from community_brain.cases import services

    data = {
        "title": title,
        "category": cats[category].pk,
        "compound": w.compounds[compound].pk if compound else "",
        "description": "晚上很黑，老人上下楼不安全。",
        **extra,
    }
    if building:
        data["building"] = w.buildings[building].pk
    user = w.users[by] if by else None
    return services.report(by=user, data=data, source=source)
