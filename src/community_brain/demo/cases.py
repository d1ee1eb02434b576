"""Seed the case ledger's configuration for the demo: the five top categories the source names
(环境卫生, 邻里纠纷, 设施设备, 安全隐患, 物业服务) with sub-categories and service levels, and
routing rules (the compound's property company for property matters, the sub-district
offices for public ones, the committee for neighbours' disputes)."""

from __future__ import annotations

from django.db import transaction

from community_brain.accounts.models import Organisation
from community_brain.cases.choices import RouteTarget
from community_brain.cases.models import Category, RoutingRule

# code, name, respond hours, resolve working days, priority, sub-categories
CATEGORIES = [
    (
        "env",
        "环境卫生",
        24,
        3,
        "normal",
        [
            ("env-garbage", "垃圾清运不及时", 12, 2, "normal"),
            ("env-greening", "绿化养护", 48, 5, "low"),
            ("env-corner", "卫生死角", 24, 3, "normal"),
            ("env-pets", "宠物粪便与饲养", 24, 3, "low"),
        ],
    ),
    (
        "dispute",
        "邻里纠纷",
        24,
        5,
        "normal",
        [
            ("dispute-noise", "噪音扰民", 24, 3, "normal"),
            ("dispute-leak", "漏水渗水", 24, 5, "normal"),
            ("dispute-hallway", "楼道堆物", 24, 3, "normal"),
            ("dispute-parking", "停车纠纷", 24, 3, "normal"),
        ],
    ),
    (
        "facility",
        "设施设备",
        24,
        5,
        "normal",
        [
            ("facility-lights", "路灯照明", 24, 3, "normal"),
            ("facility-lift", "电梯故障", 2, 2, "high"),
            ("facility-road", "道路破损", 48, 10, "normal"),
            ("facility-fitness", "健身器材损坏", 48, 5, "low"),
            ("facility-water", "供水供暖", 12, 3, "high"),
        ],
    ),
    (
        "safety",
        "安全隐患",
        2,
        2,
        "high",
        [
            ("safety-firelane", "消防通道占用", 2, 1, "high"),
            ("safety-ebike", "电动车违规充电", 2, 1, "high"),
            ("safety-throw", "高空抛物", 2, 2, "high"),
            ("safety-manhole", "井盖缺失破损", 1, 1, "urgent"),
            ("safety-gas", "燃气泄漏隐患", 1, 1, "urgent"),
        ],
    ),
    (
        "property",
        "物业服务",
        24,
        5,
        "normal",
        [
            ("property-attitude", "服务态度", 24, 5, "normal"),
            ("property-cleaning", "保洁保安", 24, 3, "normal"),
            ("property-repair", "维修不及时", 24, 5, "normal"),
            ("property-fees", "收费问题", 48, 10, "normal"),
        ],
    ),
]

# category code → (target, organisation code)
ROUTES = [
    ("property", RouteTarget.PROPERTY_COMPANY, None),
    ("env", RouteTarget.PROPERTY_COMPANY, None),
    ("facility", RouteTarget.PROPERTY_COMPANY, None),
    ("facility-road", RouteTarget.ORGANISATION, "luhu-urban"),
    ("facility-lights", RouteTarget.ORGANISATION, "luhu-urban"),
    ("dispute", RouteTarget.ORGANISATION, "qc-committee"),
    ("safety", RouteTarget.PROPERTY_COMPANY, None),
    ("safety-gas", RouteTarget.ORGANISATION, "luhu-safety"),
    ("safety-manhole", RouteTarget.ORGANISATION, "luhu-urban"),
]


@transaction.atomic
def seed() -> int:
    for order, (code, name, hours, days, priority, children) in enumerate(CATEGORIES, 1):
        parent, _ = Category.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name,
                respond_hours=hours,
                resolve_workdays=days,
                default_priority=priority,
                order=order * 10,
                parent=None,
            ),
        )
        for i, (sub, sub_name, sub_hours, sub_days, sub_priority) in enumerate(children, 1):
            Category.objects.update_or_create(
                code=sub,
                defaults=dict(
                    name=sub_name,
                    parent=parent,
                    respond_hours=sub_hours,
                    resolve_workdays=sub_days,
                    default_priority=sub_priority,
                    order=order * 10 + i,
                ),
            )
    for i, (code, target, org_code) in enumerate(ROUTES, 1):
        category = Category.objects.get(code=code)
        organisation = Organisation.objects.get(code=org_code) if org_code else None
        RoutingRule.objects.update_or_create(
            category=category,
            compound=None,
            defaults=dict(target=target, organisation=organisation, order=i * 10),
        )
    return Category.objects.count()
