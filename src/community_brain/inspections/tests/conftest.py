"""Fixtures of the inspection tests: a highway project of two contract sections, its owner,
supervision office and contractors, and one person of each."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from community_brain.testing import PASSWORD


@dataclass
class Road:
    project: object
    north: object  # K0+000~K10+000, handed over long ago
    south: object  # K10+000~K25+500
    inspector: object  # the owner's
    supervisor: object  # the supervision office's
    contractor: object  # the north section's
    other_contractor: object  # the south section's
    outsider: object


@pytest.fixture
def road(db):
    return make_road()


@pytest.fixture
def live_road(transactional_db):
    return make_road()


def make_road() -> Road:
    from community_brain.accounts.models import Membership, Organisation, User
    from community_brain.accounts.roles import OrganisationKind, Role
    from community_brain.inspections import checklist
    from community_brain.inspections.models import Project, Section
    from community_brain.places.models import Community

    def org(code, name, kind):
        return Organisation.objects.create(code=code, name=name, kind=kind)

    def person(username, organisation, role):
        user = User.objects.create_user(username=username, password=PASSWORD, display_name=username)
        Membership.objects.create(user=user, organisation=organisation, role=role)
        return user

    checklist.ensure()
    owner = org("hw", "公路事业服务中心", OrganisationKind.HIGHWAY_CENTRE)
    supervision = org("sup", "总监办", OrganisationKind.SUPERVISION_OFFICE)
    builder = org("b1", "第一项目部", OrganisationKind.CONTRACTOR)
    builder2 = org("b2", "第二项目部", OrganisationKind.CONTRACTOR)
    ledger = Community.objects.create(name="公路缺陷台账", code="GL")
    project = Project.objects.create(
        code="g233",
        name="G233克黄线大中修工程",
        route_code="G233",
        route_name="克黄线",
        owner=owner,
        supervision=supervision,
        ledger=ledger,
        notice_prefix="G233-ZG",
    )
    north = Section.objects.create(
        project=project,
        code="LM1",
        name="第一合同段",
        start_m=0,
        end_m=10000,
        contractor=builder,
        handover_date=date(2023, 6, 30),
        contract_sum=Decimal("10000000.00"),
    )
    south = Section.objects.create(
        project=project,
        code="LM2",
        name="第二合同段",
        start_m=10000,
        end_m=25500,
        contractor=builder2,
        handover_date=date(2025, 10, 20),
        contract_sum=Decimal("8000000.00"),
    )
    return Road(
        project=project,
        north=north,
        south=south,
        inspector=person("insp", owner, Role.INSPECTOR),
        supervisor=person("sup", supervision, Role.INSPECTOR),
        contractor=person("con", builder, Role.CONTRACTOR),
        other_contractor=person("con2", builder2, Role.CONTRACTOR),
        outsider=User.objects.create_user(username="nobody", password="x"),
    )


def finding_data(stake="K3+200", defect="轮廓标损坏", **extra):
    from community_brain.inspections.models import DefectType

    defect_type = DefectType.objects.select_related("item").get(name=defect)
    return {
        "stake": stake,
        "category": defect_type.item.category_id,
        "defect_type": defect_type.pk,
        "description": extra.pop("description", "柱式轮廓标被撞断2根"),
        **extra,
    }


def round_data(day="2026-11-20"):
    return {"inspected_on": day, "weather": "sunny", "route": "G233 K0+000~K25+500"}


PEOPLE = [{"name": "徐阳春", "unit": "公路中心"}, {"name": "崔志强", "unit": "总监办"}]


def jpeg(color=(200, 40, 40)):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")
