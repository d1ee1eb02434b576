"""A year of case history for the demo, made through the real services at historical moments
(``core.clock.at``) with notices muted: the 133 problems the grid workers' field diaries
collected in 2026 (all resolved, as the source says), and residents' reports over the last
twelve months in every state, with complaints falling and satisfaction rising."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from community_brain.accounts.models import Organisation, User
from community_brain.cases import notices, services
from community_brain.cases.models import Case, Category
from community_brain.core import clock, workdays
from community_brain.places.models import Household, Resident

SH = ZoneInfo("Asia/Shanghai")
SEED = 133
TODAY = date(2026, 11, 25)
DIARY_PROBLEMS = 133
TOP_WEIGHTS = {"env": 30, "dispute": 24, "facility": 30, "safety": 20, "property": 29}

PROBLEMS = {
    "env-garbage": ["垃圾桶满溢无人清运", "楼下垃圾堆放两天未清理", "分类垃圾桶破损"],
    "env-greening": ["绿化带杂草丛生", "树枝遮挡路灯", "草坪被踩出小路"],
    "env-corner": ["地下车库入口卫生死角", "楼后小巷堆满杂物", "雨水井口有异味"],
    "env-pets": ["小区草坪狗粪无人清理", "邻居养狗夜间吠叫"],
    "dispute-noise": ["楼上夜间装修噪音", "广场舞音响声音过大", "楼下商铺深夜施工"],
    "dispute-leak": ["楼上卫生间漏水到我家", "厨房顶棚渗水", "外墙渗水影响邻居"],
    "dispute-hallway": ["楼道堆放杂物影响通行", "邻居在楼道停放电动车"],
    "dispute-parking": ["私家车占用他人车位", "车辆堵住单元门口"],
    "facility-lights": ["小区路灯不亮", "单元门口路灯闪烁"],
    "facility-lift": ["电梯经常停运", "电梯按钮失灵", "电梯运行异响"],
    "facility-road": ["小区主路路面塌陷", "人行道地砖松动"],
    "facility-fitness": ["健身器材螺丝松动", "儿童滑梯破损"],
    "facility-water": ["自来水水压低", "暖气不热", "停水未提前通知"],
    "safety-firelane": ["消防通道被车辆占用", "消防通道堆放杂物"],
    "safety-ebike": ["电动车在楼道飞线充电", "电动车推进电梯"],
    "safety-throw": ["楼上有人往下扔垃圾", "阳台花盆有坠落风险"],
    "safety-manhole": ["井盖缺失存在安全隐患", "井盖松动"],
    "safety-gas": ["楼道闻到煤气味"],
    "property-attitude": ["物业客服态度不好", "报修电话无人接听"],
    "property-cleaning": ["楼道保洁不及时", "门岗保安不在岗"],
    "property-repair": ["报修一周无人上门", "单元门禁坏了没人修", "楼道灯坏了很久"],
    "property-fees": ["物业费收费标准有疑问", "停车费收费不明"],
}
RESULTS = {
    "fixed": [
        "已安排人员处理完毕，现场已恢复正常。",
        "已完成维修并回访住户。",
        "协调相关方当面沟通，已达成一致。",
        "已清理完毕，并增加巡查频次。",
    ],
    "explained": ["已向居民解释相关政策。", "经核实属正常情况，已向居民说明。"],
}


def at(day: date, hour: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SH) + timedelta(hours=hour)


def _office_hour(rng) -> float:
    return rng.choice([8.5, 9, 9.5, 10, 10.5, 14, 14.5, 15, 15.5, 16, 19, 20.5])


class _Cast:
    def __init__(self):
        self.staff = User.objects.get(username="staff")
        self.secretary = User.objects.get(username="secretary")
        self.grid_workers = {
            m.grid_id: m.user
            for m in User.memberships.rel.related_model.objects.filter(
                role="grid_worker", is_active=True
            ).select_related("user")
        }
        self.handlers = {}

    def handler(self, organisation: Organisation | None) -> User:
        if organisation is None:
            return self.staff
        if organisation.pk not in self.handlers:
            found = notices.handlers_of(organisation)
            self.handlers[organisation.pk] = found[0] if found else self.staff
        return self.handlers[organisation.pk]


def seed() -> dict:
    if Case.objects.filter(source="field_diary").exists():
        return {}
    rng = random.Random(SEED)
    cast = _Cast()
    leaves = {c.code: c for c in Category.objects.filter(parent__isnull=False)}
    households = list(
        Household.objects.active().select_related("building__compound", "building__grid")
    )
    residents = list(Resident.objects.active().exclude(phone="").select_related("household"))
    made = {"diary": 0, "resident": 0, "visits": 0}
    with notices.muted():
        made["visits"] = _visits(rng, cast, households)
        made["diary"] = _diary_cases(rng, cast, leaves, households)
        made["resident"] = _resident_cases(rng, cast, leaves, residents)
    return made


def _pick_category(rng, leaves) -> Category:
    top = rng.choices(list(TOP_WEIGHTS), weights=list(TOP_WEIGHTS.values()))[0]
    options = [c for code, c in leaves.items() if code.startswith(top + "-")]
    return rng.choice(options)


@transaction.atomic
def _visits(rng, cast, households) -> int:
    """Ordinary visits (走访): most diary entries are not problems."""
    count = 0
    day = date(2026, 1, 4)
    while day < TODAY:
        if workdays.is_workday(day):
            for household in rng.sample(households, 2):
                worker = cast.grid_workers.get(household.building.grid_id)
                if worker is None:
                    continue
                with clock.at(at(day, _office_hour(rng))):
                    services.log_visit(
                        by=worker,
                        data={
                            "household": household.pk,
                            "topic": rng.choice(
                                ["走访慰问", "政策宣传", "独居老人探访", "入户核查"]
                            ),
                            "notes": rng.choice(
                                [
                                    "身体状况良好，无诉求。",
                                    "宣传反诈知识。",
                                    "核实家庭成员信息。",
                                    "提醒冬季用电用气安全。",
                                ]
                            ),
                        },
                    )
                count += 1
        day += timedelta(days=3)
    return count


def _diary_cases(rng, cast, leaves, households) -> int:
    """The 133 problems the grid workers collected this year, all resolved."""
    start, end = date(2026, 1, 5), date(2026, 11, 13)
    span = (end - start).days
    days = sorted(start + timedelta(days=rng.randrange(span)) for _ in range(DIARY_PROBLEMS))
    for day in days:
        household = rng.choice(households)
        worker = cast.grid_workers.get(household.building.grid_id) or cast.staff
        category = _pick_category(rng, leaves)
        title = rng.choice(PROBLEMS.get(category.code, [category.name]))
        moment = at(day, _office_hour(rng))
        with transaction.atomic():
            with clock.at(moment):
                entry = services.log_visit(
                    by=worker,
                    data={
                        "household": household.pk,
                        "topic": title,
                        "notes": f"入户走访时居民反映：{title}。",
                    },
                )
                entry = services.raise_case(
                    entry,
                    by=worker,
                    category=category,
                    request_type=rng.choice(["help", "complaint", "suggestion"]),
                )
            _work(
                rng,
                cast,
                entry.case,
                moment,
                on_time=rng.random() < 0.93,
                rating=rng.choices(["satisfied", "basically", None], [78, 16, 6])[0],
            )
    return len(days)


def _work(
    rng,
    cast,
    case: Case,
    moment: datetime,
    *,
    on_time: bool,
    rating,
    stop: str = "closed",
    resolution: str = "fixed",
) -> None:
    """Carry a dispatched case through to ``stop``."""
    case.refresh_from_db()
    handler = cast.handler(case.organisation)
    respond = case.category.respond_hours
    t = moment + timedelta(
        hours=respond * (rng.uniform(0.05, 0.9) if rng.random() < 0.88 else rng.uniform(1.1, 2.5))
    )
    with clock.at(t):
        services.start(case, by=handler, note=rng.choice(["已安排人员。", "马上处理。", ""]))
    if stop == "in_progress":
        return
    deadline = Case.objects.get(pk=case.pk).resolve_by
    total = (deadline - moment).total_seconds()
    fraction = rng.uniform(0.15, 0.9) if on_time else rng.uniform(1.05, 1.6)
    t = moment + timedelta(seconds=total * fraction)
    with clock.at(t):
        services.resolve(
            case, by=handler, result=rng.choice(RESULTS[resolution]), resolution=resolution
        )
    if stop == "resolved":
        return
    t += timedelta(hours=rng.uniform(3, 30))
    with clock.at(t):
        services.verify(case, by=cast.staff, note="现场核实。")
    if stop == "verified":
        return
    t += timedelta(hours=rng.uniform(12, 60))
    with clock.at(t):
        if rating:
            services.rate(
                case,
                by=cast.staff,
                rating=rating,
                on_behalf=True,
                comment=rng.choice(["回访：问题已解决。", "回访：感谢社区。", ""]),
            )
        else:
            services.close(case, by=cast.staff, note="回访未接通，按期办结。")


def _month_volume(month_index: int) -> int:
    """Residents' reports per month: falling as problems are caught early (0 = Dec 2025)."""
    return max(10, 31 - 2 * month_index)


def _resident_cases(rng, cast, leaves, residents) -> int:
    count = 0
    first = date(2025, 12, 1)
    for month_index in range(12):
        month = date(
            first.year + (first.month - 1 + month_index) // 12,
            (first.month - 1 + month_index) % 12 + 1,
            1,
        )
        for _ in range(_month_volume(month_index)):
            day = month + timedelta(days=rng.randrange(28))
            if day >= TODAY:
                continue
            count += _one_resident_case(rng, cast, leaves, residents, day, month_index)
    # The last days, so that the ledger shows work in every state on the demo's "today".
    for days_ago, stop in enumerate(RECENT):
        day = TODAY - timedelta(days=days_ago // 2)
        count += _one_resident_case(rng, cast, leaves, residents, day, 11, stop=stop)
    return count


RECENT = [
    "accepted",
    "reported",
    "assigned",
    "in_progress",
    "reported",
    "in_progress",
    "assigned",
    "resolved",
    "in_progress",
    "verified",
    "resolved",
    "closed",
    "verified",
]


def _one_resident_case(rng, cast, leaves, residents, day, month_index, stop=None) -> int:
    """One resident's report and what became of it: by the draw, or up to ``stop``."""
    resident = rng.choice(residents)
    category = _pick_category(rng, leaves)
    title = rng.choice(PROBLEMS.get(category.code, [category.name]))
    complaint_share = 0.55 - 0.035 * month_index
    moment = at(day, _office_hour(rng) + rng.uniform(-1, 3))
    age = (TODAY - day).days
    with transaction.atomic(), clock.at(moment):
        case = services.report(
            by=None,
            source=rng.choice(["resident_page", "resident_page", "phone"]),
            data={
                "title": title,
                "description": f"{title}，希望尽快处理。",
                "category": category.pk,
                "household": resident.household_id,
                "reporter_name": resident.name,
                "reporter_phone": resident.phone,
                "request_type": "complaint"
                if rng.random() < complaint_share
                else rng.choice(["help", "consultation", "suggestion", "report"]),
            },
            reporter_resident=resident,
        )
    triage = moment + timedelta(hours=rng.uniform(0.5, 5))
    roll = rng.random()
    if stop is not None:
        roll = 0.5  # neither rejected, duplicate nor bounced: the stop decides
    if stop == "reported":
        return 1  # waiting for triage
    with transaction.atomic():
        if roll < 0.03:
            with clock.at(triage):
                services.reject(
                    case, by=cast.staff, reason="经核实不属于社区职责，已告知居民拨打12345。"
                )
            return 1
        if age < 5 and roll < 0.25:
            return 1  # still waiting for triage
        with clock.at(triage):
            services.accept(case, by=cast.staff)
            if stop == "accepted":
                return 1  # taken on, waiting for staff to choose who handles it
            if roll < 0.06 and age > 20:
                similar = Case.objects.filter(category=category).exclude(pk=case.pk).first()
                if similar is not None:
                    services.mark_duplicate(case, by=cast.staff, of=similar)
                    return 1
            services.assign(case, by=cast.staff)
        if roll > 0.97:
            _bounce_twice(rng, cast, case, triage)
        satisfied = 0.72 + 0.022 * month_index
        rating = rng.choices(
            ["satisfied", "basically", "unsatisfied", None],
            [satisfied * 0.8, satisfied * 0.2, 1 - satisfied, 0.08],
        )[0]
        if stop is not None:
            pass
        elif age < 4:
            stop = rng.choice(["assigned", "in_progress", "in_progress"])
        elif age < 10:
            stop = rng.choice(["in_progress", "resolved", "verified", "closed"])
        else:
            stop = "closed"
        if stop == "assigned":
            return 1
        on_time = rng.random() < (0.82 + 0.012 * month_index)
        resolution = "fixed" if rng.random() < 0.92 else "explained"
        _work(
            rng,
            cast,
            case,
            triage,
            on_time=on_time,
            rating=rating,
            stop=stop,
            resolution=resolution,
        )
        if stop == "closed" and rating == "unsatisfied" and age > 12:
            case.refresh_from_db()
            t = (case.rated_at or triage) + timedelta(days=1)
            _work(rng, cast, case, t, on_time=True, rating="basically")
    return 1


def _bounce_twice(rng, cast, case, when) -> None:
    """Two transfers, each to an organisation that does not hold the case already."""
    case.refresh_from_db()  # the services hand back fresh copies; this one may be stale
    urban = Organisation.objects.get(code="luhu-urban")
    committee = Organisation.objects.get(code="qc-committee")
    hops = [
        (urban, "涉及市政设施，转街道城管办。"),
        (committee, "城管办反馈属小区内部事务，转社区协调。"),
    ]
    if case.organisation_id == urban.pk:
        hops = [
            (committee, "属小区内部事务，转社区协调。"),
            (urban, "社区核实涉及市政设施，转街道城管办。"),
        ]
    for hours, (organisation, reason) in zip((2, 5), hops, strict=True):
        with clock.at(when + timedelta(hours=hours)):
            services.transfer(case, by=cast.staff, organisation=organisation, reason=reason)
