"""Register writes: validation that names the field, history instead of deletion, audit."""

import pytest

from community_brain.core.errors import InvalidInput
from community_brain.core.models import AuditLog
from community_brain.places import services
from community_brain.places.models import Residency
from community_brain.testing import make_id_number


def test_registering_a_head_sets_the_household_head(world):
    household = world.households["a1"]
    household.refresh_from_db()
    assert household.head == world.residents["a1-head"]
    assert Residency.objects.filter(household=household, moved_out__isnull=True).count() == 2
    assert AuditLog.objects.filter(action="resident.register").count() == 6


def test_gender_and_birth_date_come_from_the_id_number(world):
    r = services.register_resident(
        by=world.users["staff"],
        household=world.households["a1"],
        data={"name": "王小明", "relation": "child", "id_number": make_id_number("20150607", 11)},
    )
    assert r.gender == "M" and r.birth_date.isoformat() == "2015-06-07"
    assert r.name_initials == "wxm" and r.name_pinyin == "wangxiaoming"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "王", "gender": "M", "relation": "child"}, "name"),
        ({"name": "王小明", "relation": "child"}, "gender"),
        (
            {
                "name": "王小明",
                "gender": "M",
                "relation": "child",
                "id_number": "370322201506071234",
            },
            "id_number",
        ),
        (
            {
                "name": "王小明",
                "gender": "F",
                "relation": "child",
                "id_number": make_id_number("20150607", 11),
            },
            "gender",
        ),
        (
            {
                "name": "王小明",
                "gender": "M",
                "relation": "child",
                "birth_date": "2016-01-01",
                "id_number": make_id_number("20150607", 11),
            },
            "birth_date",
        ),
        ({"name": "王小明", "gender": "M", "relation": "nephew"}, "relation"),
        ({"name": "王小明", "gender": "M", "relation": "child", "phone": "12345"}, "phone"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, data, field):
    before = AuditLog.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.register_resident(
            by=world.users["staff"], household=world.households["a1"], data=data
        )
    assert field in exc.value.field_errors
    assert AuditLog.objects.count() == before


def test_an_id_number_is_registered_once(world):
    existing = world.residents["b1-head"]
    with pytest.raises(InvalidInput) as exc:
        services.register_resident(
            by=world.users["staff"],
            household=world.households["a1"],
            data={"name": "冒名者", "relation": "other", "id_number": existing.id_number},
        )
    message = exc.value.field_errors["id_number"][0]
    assert "王**" in message or existing.masked_name in message


def test_moving_out_keeps_the_history(world):
    resident = world.residents["a1-spouse"]
    services.move_out(by=world.users["grid"], resident=resident, reason="moved")
    resident.refresh_from_db()
    assert resident.household is None and resident.status == "moved_out"
    stay = resident.residencies.get()
    assert stay.moved_out is not None and stay.household == world.households["a1"]
    with pytest.raises(InvalidInput):
        services.move_out(by=world.users["staff"], resident=resident)
    # she has left the grid: the grid worker no longer sees her, the community still does
    from community_brain.places.models import Resident

    assert not Resident.objects.visible_to(world.users["grid"]).filter(pk=resident.pk).exists()
    assert Resident.objects.visible_to(world.users["staff"]).filter(pk=resident.pk).exists()


def test_moving_house_within_the_community(world):
    resident = world.residents["a1-spouse"]
    services.move_in(
        by=world.users["staff"],
        resident=resident,
        household=world.households["b1"],
        relation="other",
    )
    resident.refresh_from_db()
    assert resident.household == world.households["b1"]
    assert [s.household.pk for s in resident.residencies.order_by("id")] == [
        world.households["a1"].pk,
        world.households["b1"].pk,
    ]


def test_moving_the_head_out_clears_the_head(world):
    services.move_out(by=world.users["staff"], resident=world.residents["a1-head"])
    world.households["a1"].refresh_from_db()
    assert world.households["a1"].head is None


def test_a_grid_worker_cannot_change_another_grid(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.move_out(by=world.users["grid"], resident=world.residents["b1-head"])


def test_household_address_is_unique_while_active(world):
    with pytest.raises(InvalidInput) as exc:
        services.create_household(
            by=world.users["staff"],
            data={"building": world.buildings["a1"].pk, "unit": 1, "floor": 3, "room": "301"},
        )
    assert "room" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        services.create_household(
            by=world.users["staff"],
            data={"building": world.buildings["a1"].pk, "unit": 5, "floor": 3, "room": "302"},
        )
    assert "unit" in exc.value.field_errors


def test_updates_are_audited_without_revealing_the_id_number(world):
    resident = world.residents["a1-head"]
    data = {
        "name": "王大强",
        "gender": "M",
        "relation": "head",
        "residence_type": "registered",
        "id_number": make_id_number("19700101", 101),
        "phone": resident.phone,
    }
    services.update_resident(by=world.users["staff"], resident=resident, data=data)
    row = AuditLog.objects.filter(action="resident.update").latest("id")
    assert row.data["name"] == ["王a1强", "王大强"]
    assert row.data["id_number"] == ["***", "***"]


def test_shop_licence_is_checked(world):
    with pytest.raises(InvalidInput) as exc:
        services.create_shop(
            by=world.users["staff"],
            community=world.community,
            data={"name": "坏执照", "trade": "retail", "licence_number": "92370322MA3C4D5E6X"},
        )
    assert "licence_number" in exc.value.field_errors
    services.close_shop(by=world.users["staff"], shop=world.shops["b"])
    world.shops["b"].refresh_from_db()
    assert world.shops["b"].status == "closed" and world.shops["b"].closed_on


def test_search_by_pinyin_initials_phone_tail_and_address(world):
    from community_brain.places.models import Resident

    staff = world.users["staff"]
    qs = Resident.objects.visible_to(staff)
    assert world.residents["a1-head"] in qs.search("wa")
    assert list(qs.search(world.residents["b1-spouse"].phone[-4:])) == [
        world.residents["b1-spouse"]
    ]
    assert set(qs.search("甲小区1号楼")) == {
        world.residents["a1-head"],
        world.residents["a1-spouse"],
    }
    assert list(qs.search(world.residents["a2-head"].id_number)) == [world.residents["a2-head"]]
