"""The standard checklist loads once, and its ledger categories stay off the residents'
report page and the Open311 service list (only inspections file into them)."""

from __future__ import annotations

import pytest

from community_brain.inspections import checklist
from community_brain.inspections.models import DefectType, FacilityCategory, Severity

pytestmark = pytest.mark.django_db


def test_the_checklist_loads_once_and_keeps_what_an_office_edited():
    first = checklist.ensure()
    assert first["categories"] == 5 and first["severities"] == 3 and first["defect_types"] > 20
    Severity.objects.filter(code="minor").update(workdays=20)
    assert checklist.ensure() == dict.fromkeys(first, 0)
    assert Severity.objects.get(code="minor").workdays == 20
    names = set(FacilityCategory.objects.values_list("name", flat=True))
    assert {"构造物（桥涵）", "排水设施", "交通安全设施", "标志标线", "路面"} <= names
    assert DefectType.objects.get(name="轮廓标损坏").requirement == "损坏的柱式轮廓标须修复"


def test_road_defect_categories_are_not_offered_to_residents_or_open311():
    from community_brain.cases.open311.mapping import service_categories
    from community_brain.cases.public_views import ResidentReportForm

    checklist.ensure()
    codes = {c.code for c in service_categories()}
    assert not any(code.startswith("highway") for code in codes)
    offered = ResidentReportForm().fields["category"].queryset
    assert not offered.filter(code__startswith="highway").exists()
