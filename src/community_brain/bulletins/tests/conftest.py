"""Fixtures of the bulletin: a test world with a ledger whose cases were solved in known
fortnights — made through the case services at historical moments, as the demo does."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from community_brain.cases import services as cases
from community_brain.core import clock
from community_brain.testing import make_case_setup, report_case

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def solve(world, case, when: str, *, resolution="fixed", rating="satisfied"):
    with clock.at(at(when)):
        cases.resolve(case, by=world.users["property"], result="处理完毕了", resolution=resolution)
        cases.verify(case, by=world.users["staff"])
        if rating:
            cases.rate(case, by=world.users["staff"], rating=rating, on_behalf=True)


@pytest.fixture
def ledger(world):
    """Cases of November 2026: two solved in the first fortnight, one solved in the second,
    one explained (closed, not fixed) in the first, one still open."""
    cats = make_case_setup(world)
    made = {}
    for key, title, reported in (
        ("lamp", "楼道灯坏了很久", "2026-11-03 09:00"),
        ("door", "单元门禁坏了没人修", "2026-11-05 10:00"),
        ("fee", "物业费收费标准有疑问", "2026-11-06 10:00"),
        ("lift", "电梯按钮失灵", "2026-11-12 15:00"),
        ("open", "楼道堆放杂物影响通行", "2026-11-13 15:00"),
    ):
        with clock.at(at(reported)):
            made[key] = report_case(world, cats, title=title)
    solve(world, made["lamp"], "2026-11-04 16:00")
    solve(world, made["door"], "2026-11-10 11:00")
    solve(world, made["fee"], "2026-11-07 11:00", resolution="explained", rating=None)
    solve(world, made["lift"], "2026-11-17 11:00")
    return made
