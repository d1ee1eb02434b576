"""Fixtures of the workbenches' tests: the case setup, a fixed "now" (Wednesday 11 March 2026,
10:00 in Beijing, an ordinary working week) and a small scene of cases around it."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from community_brain.cases import services, sweep
from community_brain.testing import make_case_setup, report_case

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


NOW = at(2026, 3, 11, 10, 0)


@pytest.fixture
def cats(world):
    return make_case_setup(world)


@pytest.fixture
def frozen():
    """The clock stands at NOW for the whole test (pages and ledger links alike)."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


def report_at(when, world, cats, **kwargs):
    with time_machine.travel(when, tick=False):
        return report_case(world, cats, **kwargs)


def then(when, fn, *args, **kwargs):
    with time_machine.travel(when, tick=False):
        return fn(*args, **kwargs)


@pytest.fixture
def scene(frozen, world, cats):
    """Cases of the whole community at NOW. Deadlines: repair 5 working days, noise 3, road 10,
    counted after the day of the report."""
    u = world.users
    c = {}
    # Reopened after an unsatisfied rating: open again, deadline 6 March, so overdue.
    c["unsatisfied"] = report_at(
        at(2026, 2, 27, 9),
        world,
        cats,
        by="resident",
        source="resident_page",
        building="a1",
        title="单元门关不上",
    )
    then(at(2026, 3, 2, 9), services.assign, c["unsatisfied"], by=u["staff"])
    then(
        at(2026, 3, 3, 9), services.resolve, c["unsatisfied"], by=u["property"], result="已修好门锁"
    )
    then(at(2026, 3, 4, 9), services.verify, c["unsatisfied"], by=u["staff"])
    then(
        at(2026, 3, 10, 9), services.rate, c["unsatisfied"], by=u["resident"], rating="unsatisfied"
    )
    c["late"] = report_at(at(2026, 3, 2, 9), world, cats, building="a1", title="楼道灯坏了")
    c["today"] = report_at(
        at(2026, 3, 6, 9), world, cats, category="noise", building="a1", title="楼上噪音"
    )
    c["soon"] = report_at(
        at(2026, 3, 9, 9), world, cats, category="noise", building="a1", title="广场舞噪音"
    )
    c["later"] = report_at(at(2026, 3, 10, 9), world, cats, building="a1", title="门禁坏了")
    c["other_grid"] = report_at(at(2026, 3, 10, 9), world, cats, building="a2", title="二号楼漏水")
    c["compound_b"] = report_at(
        at(2026, 3, 10, 9), world, cats, compound="b", building="b1", title="乙小区电梯停了"
    )
    # In compound b, but given to the grid worker in person.
    c["mine"] = report_at(
        at(2026, 3, 10, 9),
        world,
        cats,
        category="road",
        compound="b",
        building="b1",
        title="路面塌陷",
    )
    then(at(2026, 3, 10, 10), services.return_case, c["mine"], by=u["officer"], reason="不归我们")
    then(
        at(2026, 3, 10, 11),
        services.assign,
        c["mine"],
        by=u["staff"],
        organisation=world.orgs["committee"],
        assignee=u["grid"],
    )
    # Bounced twice: flagged for supervision.
    c["flagged"] = report_at(
        at(2026, 3, 10, 9), world, cats, category="road", compound="b", title="井盖缺失"
    )
    then(at(2026, 3, 10, 10), services.return_case, c["flagged"], by=u["officer"], reason="物业管")
    then(
        at(2026, 3, 10, 11),
        services.assign,
        c["flagged"],
        by=u["staff"],
        organisation=world.orgs["prop_b"],
    )
    then(
        at(2026, 3, 10, 12),
        services.transfer,
        c["flagged"],
        by=u["staff"],
        organisation=world.orgs["dept"],
        reason="市政道路",
    )
    # Deadline today (11 March) but already resolved: not due any more.
    c["resolved"] = report_at(at(2026, 3, 4, 9), world, cats, building="a1", title="垃圾桶破损")
    then(
        at(2026, 3, 5, 9), services.resolve, c["resolved"], by=u["property"], result="已更换垃圾桶"
    )
    c["verified"] = report_at(
        at(2026, 3, 3, 9),
        world,
        cats,
        by="resident",
        source="resident_page",
        building="a1",
        title="楼梯扶手松动",
    )
    then(at(2026, 3, 3, 10), services.assign, c["verified"], by=u["staff"])
    then(at(2026, 3, 4, 9), services.resolve, c["verified"], by=u["property"], result="已加固扶手")
    then(at(2026, 3, 5, 9), services.verify, c["verified"], by=u["staff"])
    c["today_new"] = report_at(
        at(2026, 3, 11, 9), world, cats, compound="b", building="b1", title="乙小区停车位"
    )
    sweep.sweep(NOW)
    for case in c.values():
        case.refresh_from_db()
    return c
