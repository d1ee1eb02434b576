"""Who sees which cases: staff their community's, a company the cases given to it, a grid
worker her grid's, a resident their own; anonymous nobody's. Pages and the API agree."""

import pytest

from community_brain.cases.models import Case
from community_brain.testing import report_case


@pytest.fixture
def three(world, cats):
    return {
        "a1": report_case(world, cats, building="a1"),  # prop_a, grid a1
        "b1": report_case(world, cats, compound="b", building="b1"),  # prop_b, grid b1
        "road": report_case(world, cats, category="road", compound="b"),  # dept
        "mine": report_case(
            world, cats, by="resident", source="resident_page", building="a2"
        ),  # prop_a (not dispatched), reported by resident
    }


SEES = {
    "admin": {"a1", "b1", "road", "mine"},
    "staff": {"a1", "b1", "road", "mine"},
    "grid": {"a1"},
    "property": {"a1"},
    "officer": {"road"},
    "inspector": set(),
    "contractor": set(),
    "resident": {"mine"},
}


@pytest.mark.parametrize("role", sorted(SEES))
def test_querysets_pages_and_api_agree(world, three, login, api_client, role):
    user = world.users[role]
    expected = {three[k].code for k in SEES[role]}
    assert set(Case.objects.visible_to(user).values_list("code", flat=True)) == expected
    api = api_client(user).get("/api/v1/cases?limit=100")
    assert {c["code"] for c in api.json()["items"]} == expected
    client = login(user)
    for key, case in three.items():
        status = client.get(f"/cases/{case.code}/").status_code
        assert status == (200 if key in SEES[role] else 404), (role, key)


def test_property_company_sees_the_case_once_routed_to_it(world, three):
    case = three["mine"]
    assert not Case.objects.visible_to(world.users["property"]).filter(pk=case.pk).exists()
    from community_brain.cases import services

    services.assign(case, by=world.users["staff"])
    assert Case.objects.visible_to(world.users["property"]).filter(pk=case.pk).exists()


def test_anonymous(world, three, client):
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get(f"/cases/{three['a1'].code}/").status_code == 302
