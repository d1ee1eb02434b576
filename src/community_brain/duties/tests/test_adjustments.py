"""Dynamic adjustment: apply → office → legality → (approval) → publish; illegal moves
refused naming the state; the change takes effect as a version; reminders and escalation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from community_brain.core.errors import IllegalTransition, InvalidInput
from community_brain.duties import adjustments, services
from community_brain.duties.adjustments import State
from community_brain.duties.choices import ItemStatus
from community_brain.notify.models import Notice


@pytest.fixture
def office_and_justice(county):
    from community_brain.accounts.models import Membership, Organisation, User
    from community_brain.accounts.roles import OrganisationKind, Role

    justice = Organisation.objects.create(
        name="县司法局", code="justice", kind=OrganisationKind.JUSTICE_BUREAU
    )
    lawyer = User.objects.create_user(username="u-justice", password="x")
    Membership.objects.create(user=lawyer, organisation=justice, role=Role.DEPARTMENT_OFFICER)
    Membership.objects.filter(user=county["users"]["office"]).update(is_leader=True)
    return {**county, "lawyer": lawyer}


@pytest.fixture
def item(county):
    return services.create_item(
        by=None,
        department=county["depts"]["market"],
        fields={
            "code": "XK0001",
            "name": "食品经营许可",
            "type": "XK",
            "basis": "《食品安全法》第三十五条",
        },
    )


def test_a_change_goes_through_office_and_legality_and_takes_effect(office_and_justice, item):
    c = office_and_justice
    market, office, lawyer = c["users"]["market"], c["users"]["office"], c["lawyer"]
    adj = adjustments.apply(
        by=market,
        department=c["depts"]["market"],
        kind="change",
        trigger="law",
        basis="《食品安全法》2021年修正，条款序号调整。",
        item=item,
        proposed={"basis": "《食品安全法》（2021年修正）第三十五条", "code": "HACK"},
    )
    assert adj.proposed == {
        "basis": "《食品安全法》（2021年修正）第三十五条"
    }  # only what may change
    assert Notice.objects.filter(recipient=office, template="duty.adjustment_step").exists()
    with pytest.raises(PermissionDenied):
        adjustments.move(by=market, adjustment=adj, action="accept")
    with pytest.raises(IllegalTransition, match="from 'submitted' to 'publish'"):
        adjustments.move(by=office, adjustment=adj, action="publish")
    adjustments.move(by=office, adjustment=adj, action="accept")
    adj = adjustments.move(by=lawyer, adjustment=adj, action="legal", note="合法")
    assert adj.status == State.READY  # a change needs no government approval
    adj = adjustments.move(by=office, adjustment=adj, action="publish")
    item.refresh_from_db()
    assert adj.status == State.PUBLISHED and item.basis.startswith("《食品安全法》（2021")
    assert list(item.versions.values_list("change", flat=True)) == ["add", "change"]
    assert [s.action for s in adj.steps.all()] == ["apply", "accept", "legal", "publish"]


def test_adding_needs_government_approval_and_a_cancel_keeps_the_code(office_and_justice, item):
    c = office_and_justice
    market, office, lawyer = c["users"]["market"], c["users"]["office"], c["lawyer"]
    adj = adjustments.apply(
        by=market,
        department=c["depts"]["market"],
        kind="add",
        trigger="higher",
        basis="市政府下放食品生产许可，县局承接。",
        proposed={
            "code": "XK0002",
            "name": "食品生产许可",
            "type": "XK",
            "basis": "《食品安全法》第三十五条",
        },
    )
    adjustments.move(by=office, adjustment=adj, action="accept")
    adj = adjustments.move(by=lawyer, adjustment=adj, action="legal")
    assert adj.status == State.APPROVAL
    with pytest.raises(InvalidInput) as missing:
        adjustments.move(by=office, adjustment=adj, action="approve")
    assert "approval_ref" in missing.value.field_errors
    adjustments.move(by=office, adjustment=adj, action="approve", approval_ref="桓政字〔2026〕12号")
    adj = adjustments.move(by=office, adjustment=adj, action="publish")
    assert adj.item.code == "XK0002" and adj.item.status == ItemStatus.ACTIVE

    cancel = adjustments.apply(
        by=market,
        department=c["depts"]["market"],
        kind="cancel",
        trigger="law",
        basis="上位法删除该许可，依据失效。",
        item=item,
    )
    adjustments.move(by=office, adjustment=cancel, action="accept")
    adjustments.move(by=lawyer, adjustment=cancel, action="legal")
    adjustments.move(
        by=office, adjustment=cancel, action="approve", approval_ref="桓政字〔2026〕13号"
    )
    adjustments.move(by=office, adjustment=cancel, action="publish")
    item.refresh_from_db()
    assert item.status == ItemStatus.CANCELLED
    with pytest.raises(InvalidInput) as taken:
        adjustments.apply(
            by=market,
            department=c["depts"]["market"],
            kind="add",
            trigger="other",
            basis="重新设立该事项，理由充分。",
            proposed={"code": "XK0001", "name": "x", "type": "XK", "basis": "y"},
        )
    assert "code" in taken.value.field_errors


def test_bad_applications_name_each_field_and_a_return_needs_reasons(office_and_justice, item):
    c = office_and_justice
    market, office = c["users"]["market"], c["users"]["office"]
    with pytest.raises(InvalidInput) as bad:
        adjustments.apply(
            by=market,
            department=c["depts"]["market"],
            kind="add",
            trigger="?",
            basis="短",
            proposed={},
        )
    assert set(bad.value.field_errors) >= {"trigger", "basis", "code", "name", "type"}
    with pytest.raises(PermissionDenied):
        adjustments.apply(
            by=c["users"]["edu"],
            department=c["depts"]["market"],
            kind="cancel",
            trigger="law",
            basis="不是本部门的事项却来申请。",
            item=item,
        )
    adj = adjustments.apply(
        by=market,
        department=c["depts"]["market"],
        kind="cancel",
        trigger="law",
        basis="上位法删除该许可，依据失效。",
        item=item,
    )
    with pytest.raises(InvalidInput):
        adjustments.move(by=office, adjustment=adj, action="return", note="不行")
    adj = adjustments.move(
        by=office, adjustment=adj, action="return", note="请补充上位法废止的文件。"
    )
    assert adj.status == State.RETURNED
    adj = adjustments.move(by=market, adjustment=adj, action="resubmit", note="已补充")
    assert adj.status == State.SUBMITTED


def test_the_sweep_reminds_then_escalates_to_the_office(office_and_justice, item):
    c = office_and_justice
    adj = adjustments.apply(
        by=c["users"]["market"],
        department=c["depts"]["market"],
        kind="cancel",
        trigger="law",
        basis="上位法删除该许可，依据失效。",
        item=item,
    )
    adj.due_at = timezone.now() + timedelta(hours=2)
    adj.save()
    assert adjustments.sweep()["reminded"] == 1
    assert adjustments.sweep()["reminded"] == 0  # once
    later = timezone.now() + timedelta(days=1)
    assert adjustments.sweep(now=later)["escalated"] == 1
    assert Notice.objects.filter(
        recipient=c["users"]["office"], template="duty.adjustment_overdue"
    ).exists()
    assert adjustments.sweep(now=later)["escalated"] == 0


def test_the_pages_walk_an_application(office_and_justice, item, client):
    from community_brain.duties.models import Adjustment

    c = office_and_justice
    client.force_login(c["users"]["market"])
    refused = client.post(
        "/duties/adjustments/new/",
        {"department": c["depts"]["market"].pk, "kind": "cancel", "trigger": "law", "basis": "短"},
    )
    assert refused.status_code == 200 and not Adjustment.objects.exists()
    response = client.post(
        "/duties/adjustments/new/",
        {
            "department": c["depts"]["market"].pk,
            "kind": "cancel",
            "trigger": "law",
            "basis": "上位法删除该许可，依据失效。",
            "item": "XK0001",
        },
    )
    adj = Adjustment.objects.get()
    assert response.status_code == 302 and adj.item == item
    page = client.get(f"/duties/adjustments/{adj.pk}/").content.decode()
    assert 'data-action="accept"' not in page and 'data-action="resubmit"' not in page
    client.force_login(c["users"]["office"])
    assert 'data-action="accept"' in client.get(f"/duties/adjustments/{adj.pk}/").content.decode()
    client.post(f"/duties/adjustments/{adj.pk}/move/", {"action": "accept"})
    stale = client.post(f"/duties/adjustments/{adj.pk}/move/", {"action": "accept"}, follow=True)
    assert "法律审核" in stale.content.decode() or "legality" in stale.content.decode()
    adj.refresh_from_db()
    assert adj.status == State.LEGALITY
    client.force_login(c["users"]["edu"])
    assert client.get(f"/duties/adjustments/{adj.pk}/").status_code == 404  # not theirs
