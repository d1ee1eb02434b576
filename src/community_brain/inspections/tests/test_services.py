"""Rounds, the rectification notice's way to being closed off, deductions and the certificate,
checked against the case ledger they drive."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from community_brain.core.errors import IllegalTransition, InvalidInput
from community_brain.inspections import deposit, notices, rounds
from community_brain.inspections.models import FacilityCategory, Finding, Notice
from community_brain.inspections.tests.conftest import PEOPLE, finding_data, jpeg, round_data

pytestmark = pytest.mark.django_db
TODAY = "2026-11-25 10:00 +0800"


@pytest.fixture(autouse=True)
def _english():
    """The messages are matched in the source language (the pages default to Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _round(road, findings, by=None, **kw):
    return rounds.record_round(
        by=by or road.inspector,
        project=road.project,
        data=round_data(),
        participants=PEOPLE,
        findings=findings,
        **kw,
    )


@time_machine.travel(TODAY, tick=False)
def test_a_round_with_three_findings_gives_three_ledger_rows_routed_to_the_contractors(road):
    round_ = _round(
        road,
        [
            finding_data("K3+200"),
            finding_data("YK12+040~+090", "反光膜粘贴不牢", description="标志反光膜起皮"),
            finding_data("K8+500", "坑槽", description="行车道坑槽一处"),
        ],
        photos=[[jpeg()], [], [jpeg((0, 0, 200))]],
    )
    findings = list(round_.findings.order_by("number").select_related("case", "section"))
    assert [f.number for f in findings] == ["G233-2026-0001", "G233-2026-0002", "G233-2026-0003"]
    assert [f.section for f in findings] == [road.north, road.south, road.north]
    assert findings[1].side == "right" and findings[1].stakes == "YK12+040~YK12+090"
    for f in findings:
        assert f.case.source == "inspection" and f.case.status == "assigned"
        assert f.case.organisation == f.section.contractor
        assert f.case.community == road.project.ledger
        assert f.case.code.startswith("GL-2026-")
    # 一般 15 working days, 严重 3, counted from the round's day (2026-11-20, a Friday)
    assert findings[0].deadline == date(2026, 12, 11)
    assert findings[2].severity.code == "severe" and findings[2].deadline == date(2026, 11, 25)
    assert findings[0].case.photos.count() == 1
    # the owner and the supervision office see the defect in the case ledger
    from community_brain.cases.models import Case

    assert Case.objects.restrict(road.supervisor, "view").filter(pk=findings[0].case_id).exists()
    assert (
        not Case.objects.restrict(road.other_contractor, "view")
        .filter(pk=findings[0].case_id)
        .exists()
    )


@time_machine.travel(TODAY, tick=False)
def test_a_bad_finding_writes_nothing_and_names_the_field(road):
    with pytest.raises(InvalidInput) as err:
        _round(road, [finding_data("K3+200"), finding_data("K12+30")])
    assert "findings.1.stake" in err.value.field_errors
    with pytest.raises(InvalidInput) as err:
        _round(road, [finding_data("K9+900~K10+100")])
    assert "record one finding per section" in str(err.value)
    structures = FacilityCategory.objects.get(code="structures").pk
    with pytest.raises(InvalidInput) as err:  # 坑槽 is not a structure
        _round(road, [finding_data("K3+200", "坑槽", category=structures)])
    assert "findings.0.defect_type" in err.value.field_errors
    with pytest.raises(InvalidInput) as err:
        _round(road, [finding_data()], photos=[[jpeg(), _not_a_photo()]])
    assert "findings.0.photos" in err.value.field_errors
    assert not Finding.objects.exists()
    from community_brain.cases.models import Case

    assert not Case.objects.exists()


def _not_a_photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.jpg", b"not a jpeg", content_type="image/jpeg")


@time_machine.travel(TODAY, tick=False)
def test_a_resent_round_is_stored_once(road):
    first = _round(road, [finding_data()], client_token="phone-1")
    again = _round(road, [finding_data()], client_token="phone-1")
    assert first.pk == again.pk and Finding.objects.count() == 1


def test_only_the_projects_inspectors_record_rounds(road):
    for person in (road.contractor, road.outsider):
        with pytest.raises(PermissionDenied):
            _round(road, [finding_data()], by=person)


@time_machine.travel(TODAY, tick=False)
def test_notice_issued_acknowledged_replied_rechecked_and_closed_off(road):
    round_ = _round(road, [finding_data("K3+200"), finding_data("K4+100", "螺栓松动或缺失")])
    findings = list(round_.findings.order_by("number"))
    notice = notices.draft_notice(
        by=road.supervisor,
        findings=findings,
        requirements="损坏的柱式轮廓标须修复；松动螺栓紧固。",
        deadline=date(2026, 12, 4),
    )
    assert notice.number.startswith("draft-")
    with pytest.raises(IllegalTransition):
        notices.acknowledge(notice, by=road.contractor)
    notice = notices.issue(notice, by=road.supervisor)
    assert notice.number == "G233-ZG-2026-001" and notice.status == "issued"
    assert {f.deadline for f in notice.findings.all()} == {date(2026, 12, 4)}
    with pytest.raises(PermissionDenied):
        notices.acknowledge(notice, by=road.other_contractor)
    notice = notices.acknowledge(notice, by=road.contractor)
    assert {f.case.status for f in notice.findings.all()} == {"in_progress"}
    a, b = findings
    notice = notices.reply(
        notice,
        by=road.contractor,
        text="已全部整改完毕。",
        measures={a.pk: "更换轮廓标2根"},
        photos={a.pk: [jpeg()]},
    )
    a.refresh_from_db()
    assert a.status == "replied" and a.measures == "更换轮廓标2根"
    assert a.case.status == "resolved" and a.case.photos.filter(stage="result").count() == 1
    # b fails the re-check: the notice goes back, a is closed off
    notice = notices.recheck(
        notice, by=road.inspector, passed={a.pk: True, b.pk: False}, opinion="螺栓仍有缺失"
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert notice.status == "acknowledged" and notice.rounds_sent_back == 1
    assert a.status == "closed" and a.case.status == "closed"
    assert b.status == "rectifying" and b.case.status == "in_progress"
    notice = notices.reply(notice, by=road.contractor, text="补齐螺栓并紧固。")
    notice = notices.recheck(notice, by=road.inspector, passed={b.pk: True}, opinion="合格")
    assert notice.status == "closed" and notice.closed_at is not None
    assert list(notice.events.values_list("kind", flat=True)) == [
        "drafted",
        "issued",
        "acknowledged",
        "replied",
        "sent_back",
        "replied",
        "closed",
    ]


@time_machine.travel(TODAY, tick=False)
def test_a_defect_goes_on_one_notice_for_one_section(road):
    round_ = _round(road, [finding_data("K3+200"), finding_data("K13+200")])
    north, south = round_.findings.order_by("number")
    with pytest.raises(InvalidInput, match="one contract section"):
        notices.draft_notice(
            by=road.inspector, findings=[north, south], requirements="须修复", deadline=date.today()
        )
    notices.draft_notice(
        by=road.inspector, findings=[north], requirements="须修复", deadline=date(2026, 12, 1)
    )
    with pytest.raises(InvalidInput, match="Already on a notice"):
        notices.draft_notice(
            by=road.inspector, findings=[north], requirements="须修复", deadline=date(2026, 12, 1)
        )
    assert Notice.objects.count() == 1


def test_certificate_refused_while_a_defect_is_open_then_issued_with_the_deposit(road):
    with time_machine.travel("2025-07-01 10:00 +0800", tick=False):
        round_ = rounds.record_round(
            by=road.inspector,
            project=road.project,
            data=round_data("2025-07-01"),
            participants=PEOPLE,
            findings=[finding_data("K3+200"), finding_data("K5+000", "标志缺失")],
        )
    first, second = round_.findings.order_by("number")
    with time_machine.travel("2026-11-25 10:00 +0800", tick=False):
        # the north section's period (2023-06-30 + 24 months) is over
        with pytest.raises(InvalidInput, match="2 defects of 第一合同段 are still open"):
            deposit.issue_certificate(road.north, by=road.supervisor)
        with pytest.raises(PermissionDenied):
            deposit.repaired_by_others(
                first, by=road.supervisor, amount="1", repaired_by="x", reason="y"
            )
        deduction = deposit.repaired_by_others(
            first,
            by=road.inspector,
            amount="3200",
            repaired_by="高青县公路养护站",
            reason="逾期未整改",
        )
        assert deduction.amount == Decimal("3200.00")
        first.refresh_from_db()
        assert first.status == "closed" and first.closed_by == "others"
        assert first.case.status == "closed"
        with pytest.raises(InvalidInput, match="G233-2025-0002"):
            deposit.issue_certificate(road.north, by=road.supervisor)
        notice = notices.draft_notice(
            by=road.supervisor,
            findings=[second],
            requirements="按设计恢复标志",
            deadline=date(2026, 11, 30),
        )
        notice = notices.issue(notice, by=road.supervisor)
        notices.acknowledge(notice, by=road.contractor)
        notices.reply(notice, by=road.contractor, text="已恢复标志")
        notices.recheck(notice, by=road.supervisor, passed={second.pk: True}, opinion="合格")
        certificate = deposit.issue_certificate(road.north, by=road.supervisor)
    assert certificate.number == "G233-ZZ-2026-01"
    assert certificate.deposit == Decimal("300000.00")  # 3 % of 10,000,000
    assert certificate.deducted == Decimal("3200.00")
    assert certificate.released == Decimal("296800.00")
    assert certificate.issuer == road.project.supervision
    with pytest.raises(InvalidInput, match="certificate already"):
        deposit.issue_certificate(road.north, by=road.supervisor)


@time_machine.travel(TODAY, tick=False)
def test_certificate_waits_for_the_end_of_the_period_and_extensions_are_capped(road):
    with pytest.raises(InvalidInput, match="runs until 2027-10-20"):
        deposit.issue_certificate(road.south, by=road.supervisor)
    deposit.extend_period(road.south, by=road.inspector, months=12, reason="主体结构修复")
    road.south.refresh_from_db()
    assert road.south.period_ends == date(2028, 10, 20)
    with pytest.raises(InvalidInput, match="24 months in all"):
        deposit.extend_period(road.south, by=road.inspector, months=13, reason="再次修复")


@time_machine.travel(TODAY, tick=False)
def test_only_an_overdue_defect_may_be_repaired_by_others_and_within_the_deposit(road):
    round_ = _round(road, [finding_data("K3+200")])
    finding = round_.findings.get()
    with pytest.raises(InvalidInput, match="only an overdue defect"):
        deposit.repaired_by_others(
            finding, by=road.inspector, amount="100", repaired_by="养护站", reason="逾期"
        )
    with time_machine.travel("2027-01-05 10:00 +0800", tick=False):
        with pytest.raises(InvalidInput, match="deposit is left"):
            deposit.repaired_by_others(
                finding, by=road.inspector, amount="300000.01", repaired_by="养护站", reason="逾期"
            )
        with pytest.raises(InvalidInput) as err:
            deposit.repaired_by_others(
                finding, by=road.inspector, amount="abc", repaired_by="养护站", reason="逾期"
            )
        assert "amount" in err.value.field_errors


def test_an_overdue_defect_escalates_to_the_owner_and_the_supervision_office(road):
    from community_brain.cases import sweep
    from community_brain.notify.models import Notice as Message

    with time_machine.travel("2026-11-20 18:00 +0800", tick=False):
        round_ = _round(road, [finding_data("K8+500", "坑槽", description="坑槽一处")])
    case = round_.findings.get().case
    with time_machine.travel("2026-12-20 10:00 +0800", tick=False):
        for _ in range(3):  # overdue, then each escalation level as working days pass
            sweep.sweep()
    case.refresh_from_db()
    assert case.is_overdue and case.escalation_level >= 2
    told = set(
        Message.objects.filter(template="case.overdue").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"con", "insp", "sup"} <= told
