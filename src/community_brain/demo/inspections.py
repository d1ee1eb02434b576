"""Seed the G233 克黄线 defect-period inspection: the project with two contract sections, its
plans, and a year of rounds made through the real services at their historical moments
(``core.clock.at``), with findings in every state — closed off (one of them repaired by
others and deducted from the deposit, one notice sent back once), awaiting re-check, being
rectified (some overdue), on a notice not yet acknowledged, and not yet on a notice. The
first section's period has ended: it has its termination certificate.

Deterministic (a seeded ``random.Random``), dated relative to the day of seeding, and
idempotent: nothing is made when the project has rounds already.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from community_brain.accounts.models import Organisation, User
from community_brain.cases import notices as case_notices
from community_brain.core import clock, workdays
from community_brain.inspections import checklist, deposit, notices, rounds
from community_brain.inspections.models import DefectType, Plan, Project, Section
from community_brain.places.models import Community

SH = ZoneInfo("Asia/Shanghai")
SEED = 233
# days before today of each round; two a month, the recent ones at the stages named below
ROUND_AGES = [4, 13, 24, 36, 49, 63, 77, 92, 106, 121, 135, 150]
ROUND_AGES += [166, 181, 197, 212, 228, 243, 259, 274, 290, 305, 321, 336, 352]
JOINT = {"name": "徐阳春", "unit": "公路中心"}
SUPERVISOR = {"name": "崔志强", "unit": "总监办"}
BUILDER = {"name": "耿卫东", "unit": "项目部"}
WHERE = {
    "structures": ["桥头搭板处", "K{km}小桥伸缩缝", "盖板涵进水口"],
    "drainage": ["右侧边沟", "左侧排水沟", "急流槽出口"],
    "safety": ["右侧波形梁护栏", "中央分隔带护栏", "左侧路肩"],
    "signs": ["限速标志", "指路标志", "路口标线"],
    "pavement": ["行车道", "超车道", "交叉口"],
}


def at(day: date, hour: float) -> datetime:
    return datetime.combine(day, time(int(hour), int(hour % 1 * 60)), tzinfo=SH)


def seed() -> dict:
    today = clock.today()
    checklist.ensure()
    project = _project(today)
    if project.rounds.exists():
        return {}
    rng = random.Random(SEED)
    cast = {
        "inspector": User.objects.get(username="inspector"),
        "supervisor": User.objects.get(username="supervisor"),
        "contractor": User.objects.get(username="contractor"),
    }
    made = {"rounds": 0, "findings": 0, "notices": 0}
    with case_notices.muted():
        for age in sorted(ROUND_AGES, reverse=True):
            _round(rng, project, cast, today, today - timedelta(days=age), made)
        _certificate(project, cast)
    return made


def _project(today: date) -> Project:
    orgs = {o.code: o for o in Organisation.objects.filter(code__startswith="g")}
    ledger, _ = Community.objects.get_or_create(
        code="GL",
        defaults={
            "name": "高青公路事业服务中心（缺陷责任期台账）",
            "county": "高青县",
            "city": "淄博市",
            "region_code": "370322",
            "address": "高青县田镇",
        },
    )
    project, created = Project.objects.get_or_create(
        code="g233",
        defaults={
            "name": "G233克黄线大中修工程",
            "route_code": "G233",
            "route_name": "克黄线",
            "owner": orgs["gq-highway"],
            "supervision": orgs["g233-supervision"],
            "ledger": ledger,
            "notice_prefix": "G233-ZG",
        },
    )
    if created:
        contractor = orgs["g233-contractor"]
        Section.objects.create(
            project=project,
            code="LM1",
            name="第一合同段",
            start_m=0,
            end_m=12500,
            contractor=contractor,
            handover_date=_months_before(today, 26),
            contract_sum=Decimal("36850000.00"),
        )
        Section.objects.create(
            project=project,
            code="LM2",
            name="第二合同段",
            start_m=12500,
            end_m=28300,
            contractor=contractor,
            handover_date=_months_before(today, 17),
            contract_sum=Decimal("42170000.00"),
        )
        joint = Plan.objects.create(
            project=project,
            title="缺陷责任期季度联合检查",
            frequency="quarterly",
            starts_on=_first_round(today, joint=True) - timedelta(days=3),
            scope="构造物、排水设施、交通安全设施、标志标线、路面",
        )
        joint.participants.set([orgs["gq-highway"], orgs["g233-supervision"], contractor])
        monthly = Plan.objects.create(
            project=project,
            title="总监办月度巡查",
            frequency="monthly",
            starts_on=_first_round(today, joint=False) - timedelta(days=2),
            scope="交通安全设施、标志标线、排水设施",
        )
        monthly.participants.set([orgs["g233-supervision"], contractor])
    return project


def _is_joint(day: date) -> bool:
    """The quarterly joint inspection: the second round of March, June, September, December."""
    return day.day >= 15 and day.month % 3 == 0


def _first_round(today: date, *, joint: bool) -> date:
    days = [today - timedelta(days=age) for age in ROUND_AGES]
    return min(d for d in days if _is_joint(d) == joint)


def _months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28))


def _stage(age: int) -> str:
    if age <= 8:
        return "open"
    if age <= 18:
        return "issued"
    if age <= 30:
        return "acknowledged"
    if age <= 42:
        return "replied"
    return "closed"


def _findings(rng, project, day: date, age: int) -> list[dict]:
    sections = list(project.sections.order_by("start_m"))
    # the first section's period ended: nothing of it is inspected in its last three months
    if day > sections[0].period_ends - timedelta(days=90):
        sections = sections[1:]
    defects = list(DefectType.objects.select_related("item__category"))
    count = rng.choice([1, 2, 2, 3, 3, 4])
    if age in (24, 36):  # make sure the recent stages show an overdue, severe defect
        defects_now = [d for d in defects if d.default_severity.code == "severe"][:1]
        defects_now += rng.sample(defects, count - 1)
    else:
        defects_now = rng.sample(defects, count)
    out = []
    for defect in defects_now:
        section = rng.choice(sections)
        start = rng.uniform(section.start_m + 20, section.end_m - 200)
        side = rng.choice(["", "left", "right"])
        prefix = {"": "K", "left": "ZK", "right": "YK"}[side]
        km, metres = divmod(int(start), 1000)
        stake = f"{prefix}{km}+{metres:03d}"
        if rng.random() < 0.3:
            stake += f"~+{min(999, metres + rng.choice([20, 40, 60, 80])):03d}"
        where = rng.choice(WHERE[defect.item.category.code]).format(km=km)
        out.append(
            {
                "stake": stake,
                "side": side,
                "defect_type": defect.pk,
                "description": f"{where}{defect.name}",
                "quantity": rng.choice(["", "1处", "2处", "3根", "15m"]),
            }
        )
    return out


def _round(rng, project, cast, today: date, day: date, made: dict) -> None:
    age = (today - day).days
    joint = _is_joint(day)
    plan = project.plans.get(frequency="quarterly" if joint else "monthly")
    who = cast["inspector"] if joint else cast["supervisor"]
    people = [JOINT, SUPERVISOR, BUILDER] if joint else [SUPERVISOR, BUILDER]
    with clock.at(at(day, 16.5)):
        round_ = rounds.record_round(
            by=who,
            project=project,
            data={
                "inspected_on": day.isoformat(),
                "weather": rng.choice(["sunny", "sunny", "cloudy", "overcast"]),
                "route": f"G233 K0+000~K28+300（{'联合检查' if joint else '日常巡查'}）",
                "plan": plan.pk,
            },
            participants=people,
            findings=_findings(rng, project, day, age),
            units=list(plan.participants.all()),
            client_token=f"demo-round-{day.isoformat()}",
        )
    made["rounds"] += 1
    made["findings"] += round_.findings.count()
    stage = _stage(age)
    if stage == "open":
        return
    for section_id in sorted({f.section_id for f in round_.findings.all()}):
        findings = list(round_.findings.filter(section_id=section_id).order_by("number"))
        _notice(rng, cast, day, findings, stage, age)
        made["notices"] += 1


def _notice(rng, cast, day: date, findings, stage: str, age: int) -> None:
    issued_on = workdays.add_workdays(day, 1)
    deadline = max(min(f.deadline for f in findings), issued_on + timedelta(days=3))
    requirements = "；".join(dict.fromkeys(f.defect_type.requirement for f in findings)) + "。"
    with clock.at(at(issued_on, 9.5)):
        notice = notices.draft_notice(
            by=cast["supervisor"], findings=findings, requirements=requirements, deadline=deadline
        )
        notice = notices.issue(notice, by=cast["supervisor"])
    if stage == "issued":
        return
    with clock.at(at(issued_on + timedelta(days=1), 10)):
        notice = notices.acknowledge(notice, by=cast["contractor"])
    if stage == "acknowledged":
        return
    if age == 150:
        return _repaired_by_others(cast, findings[0], deadline, notice)
    span = max(1, (deadline - issued_on).days)
    replied_on = issued_on + timedelta(days=max(2, int(span * rng.uniform(0.4, 0.9))))
    with clock.at(at(replied_on, 15)):
        notice = notices.reply(
            notice,
            by=cast["contractor"],
            text="已按通知单要求全部整改完毕，请复查。",
            measures={f.pk: f"已{f.defect_type.requirement}" for f in findings},
        )
    if stage == "replied":
        return
    checked_on = replied_on + timedelta(days=2)
    sent_back = rng.random() < 0.15
    with clock.at(at(checked_on, 10)):
        passed = {f.pk: True for f in findings}
        if sent_back:
            passed[findings[-1].pk] = False
        notice = notices.recheck(
            notice,
            by=cast["inspector"],
            passed=passed,
            opinion="部分问题整改不到位，请继续整改" if sent_back else "整改合格，同意销号",
        )
    if sent_back:
        with clock.at(at(checked_on + timedelta(days=3), 15)):
            notice = notices.reply(notice, by=cast["contractor"], text="已返工整改，请复查。")
        with clock.at(at(checked_on + timedelta(days=5), 10)):
            notices.recheck(
                notice,
                by=cast["inspector"],
                passed={findings[-1].pk: True},
                opinion="返工合格，同意销号",
            )


def _repaired_by_others(cast, finding, deadline: date, notice) -> None:
    """The contractor let one defect pass its deadline: the owner had it repaired."""
    with clock.at(at(deadline + timedelta(days=6), 11)):
        deposit.repaired_by_others(
            finding,
            by=cast["inspector"],
            amount="4860.00",
            repaired_by="高青县公路养护站",
            reason="逾期未整改，业主委托养护站代为维修",
        )
    others = list(notice.findings.exclude(pk=finding.pk).order_by("number"))
    if not others:
        return
    with clock.at(at(deadline + timedelta(days=8), 15)):
        notice = notices.reply(notice, by=cast["contractor"], text="其余问题已整改完毕。")
    with clock.at(at(deadline + timedelta(days=9), 10)):
        notices.recheck(
            notice,
            by=cast["inspector"],
            passed={f.pk: True for f in others},
            opinion="整改合格，同意销号",
        )


def _certificate(project, cast) -> None:
    first = project.sections.order_by("start_m").first()
    if deposit.open_defects(first):
        return
    with clock.at(at(first.period_ends + timedelta(days=25), 10)):
        deposit.issue_certificate(first, by=cast["supervisor"])
