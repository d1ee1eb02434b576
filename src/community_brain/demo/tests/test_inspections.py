"""The G233 demo: a year of rounds with defects in every state, the first section's
certificate, a deduction, and nothing made twice."""

import pytest
import time_machine

from community_brain.accounts.models import Membership, Organisation, User
from community_brain.accounts.roles import OrganisationKind, Role
from community_brain.demo import inspections
from community_brain.inspections.models import Certificate, Deduction, Finding, Notice, Round


@pytest.fixture
def cast(db):
    for code, kind, username in (
        ("gq-highway", OrganisationKind.HIGHWAY_CENTRE, "inspector"),
        ("g233-supervision", OrganisationKind.SUPERVISION_OFFICE, "supervisor"),
        ("g233-contractor", OrganisationKind.CONTRACTOR, "contractor"),
    ):
        org = Organisation.objects.create(code=code, name=code, kind=kind)
        user = User.objects.create_user(username=username, password="x")
        role = Role.CONTRACTOR if username == "contractor" else Role.INSPECTOR
        Membership.objects.create(user=user, organisation=org, role=role)


@pytest.mark.slow
@time_machine.travel("2026-11-25 08:00 +0800", tick=False)
def test_a_year_of_g233_inspections_in_every_state(cast):
    made = inspections.seed()
    assert made["rounds"] == len(inspections.ROUND_AGES) and made["findings"] > 40
    states = set(Finding.objects.values_list("status", flat=True))
    assert states == {"open", "notified", "rectifying", "replied", "closed"}
    assert set(Notice.objects.values_list("status", flat=True)) >= {
        "issued",
        "acknowledged",
        "replied",
        "closed",
    }
    from django.utils import timezone

    assert Finding.objects.overdue(timezone.localdate()).exists()
    assert Deduction.objects.count() == 1
    certificate = Certificate.objects.get()
    assert certificate.section.code == "LM1" and certificate.deducted in (0, 4860)
    assert certificate.released == certificate.deposit - certificate.deducted
    # every finding's case tells the same story
    for finding in Finding.objects.select_related("case"):
        expected = {
            "open": {"assigned"},
            "notified": {"assigned"},
            "rectifying": {"in_progress"},
            "replied": {"resolved"},
            "closed": {"closed"},
        }[finding.status]
        assert finding.case.status in expected, finding.number
    assert inspections.seed() == {}
    assert Round.objects.count() == made["rounds"]
