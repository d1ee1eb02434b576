"""The bulletin: drafted from the ledger (the cases solved in the fortnight, by title), the
compound sections' review, draft → review → published (also at a set time), the league."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from community_brain.bulletins import league, services
from community_brain.bulletins.models import Issue
from community_brain.core.errors import IllegalTransition, InvalidInput


@pytest.fixture(autouse=True)
def _late_november():
    with time_machine.travel("2026-11-25 09:00 +0800", tick=False):
        yield


def test_the_draft_names_the_cases_solved_in_that_fortnight(world, ledger):
    issue = services.open_issue(
        by=world.users["staff"], community=world.community, day=date(2026, 11, 8)
    )
    assert (issue.period_start, issue.period_end, issue.number) == (
        date(2026, 11, 1),
        date(2026, 11, 15),
        21,
    )
    community = issue.sections.get(kind="community")
    assert [c["title"] for c in community.facts["solved"]] == [
        "楼道灯坏了很久",
        "单元门禁坏了没人修",
    ]
    assert "楼道灯坏了很久" in community.body and "单元门禁坏了没人修" in community.body
    assert "电梯按钮失灵" not in community.body  # solved in the next fortnight
    assert "物业费收费标准有疑问" not in community.body  # explained, not fixed
    assert community.facts["figures"]["total"] == 5
    kinds = list(issue.sections.values_list("kind", flat=True))
    assert kinds == ["audio", "video", "community", "compound", "compound"]
    second = services.open_issue(
        by=world.users["staff"], community=world.community, day=date(2026, 11, 20)
    )
    solved = second.sections.get(kind="community").facts["solved"]
    assert [c["title"] for c in solved] == ["电梯按钮失灵"]
    with pytest.raises(InvalidInput) as err:
        services.open_issue(
            by=world.users["staff"], community=world.community, day=date(2026, 11, 2)
        )
    assert "day" in err.value.field_errors


def test_compound_sections_are_written_by_their_company_and_reviewed(world, ledger):
    issue = services.open_issue(
        by=world.users["staff"], community=world.community, day=date(2026, 11, 8)
    )
    mine = issue.sections.get(compound=world.compounds["a"])  # 甲物业 manages 甲小区
    theirs = issue.sections.get(compound=world.compounds["b"])
    prop = world.users["property"]
    with pytest.raises(PermissionDenied):
        services.edit_section(by=prop, section=theirs, data={"title": "乙", "body": "x"})
    with pytest.raises(InvalidInput):  # nothing written yet
        services.move_section(by=prop, section=mine, to="submitted")
    services.edit_section(
        by=prop, section=mine, data={"title": "甲小区", "body": "更换了路灯。", "deeds": 3}
    )
    services.move_section(by=prop, section=mine, to="submitted")
    with pytest.raises(PermissionDenied):
        services.move_section(by=prop, section=mine, to="approved")
    with pytest.raises(InvalidInput) as err:
        services.move_section(by=world.users["staff"], section=mine, to="returned")
    assert "note" in err.value.field_errors
    services.move_section(by=world.users["staff"], section=mine, to="approved")
    with pytest.raises(IllegalTransition):
        services.move_section(by=prop, section=mine, to="submitted")
    rows = {r["name"]: r for r in league.rows(issue)}
    assert rows["甲物业"]["deeds"] == 3 and rows["甲物业"]["cases"] == 5
    assert rows["甲物业"]["satisfaction_rate"] == 100.0
    assert rows["乙物业"]["cases"] == 0 and rows["乙物业"]["on_time_rate"] is None


def test_draft_review_published_and_the_league_trend(world, ledger):
    staff = world.users["staff"]
    first = services.open_issue(by=staff, community=world.community, day=date(2026, 11, 8))
    with pytest.raises(IllegalTransition):
        services.publish(by=staff, issue=first)
    with pytest.raises(PermissionDenied):
        services.submit(by=world.users["property"], issue=first)
    services.submit(by=staff, issue=first)
    first = services.publish(by=staff, issue=first)
    assert first.is_published and first.league
    with pytest.raises(InvalidInput):
        services.redraft(by=staff, issue=first)
    second = services.open_issue(by=staff, community=world.community, day=date(2026, 11, 20))
    rows = {r["name"]: r for r in league.table(second)}
    assert rows["甲物业"]["trend"]["cases"] == 0 - 5  # five cases then, none reported since


def test_scheduled_publishing(world, ledger):
    staff = world.users["staff"]
    issue = services.open_issue(by=staff, community=world.community, day=date(2026, 11, 8))
    services.submit(by=staff, issue=issue)
    with pytest.raises(InvalidInput) as err:
        services.publish(by=staff, issue=issue, data={"publish_at": "soon"})
    assert "publish_at" in err.value.field_errors
    issue = services.publish(by=staff, issue=issue, data={"publish_at": "2026-11-26 08:00"})
    assert issue.status == "review" and issue.publish_at is not None
    assert services.publish_due() == 0
    with time_machine.travel("2026-11-26 08:01 +0800", tick=False):
        assert services.publish_due() == 1
        assert services.publish_due() == 0
    assert Issue.objects.get().is_published
