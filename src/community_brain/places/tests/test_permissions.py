"""Who sees what: the permission matrix of role × action × object, for querysets, pages and
the API. A grid worker sees the residents of her grid only, a property company its compound
only, an anonymous visitor nothing personal."""

import pytest

from community_brain.accounts.permissions import CHANGE, EXPORT, IMPORT, VIEW, can
from community_brain.places.models import Compound, Household, Resident, Shop

ROLES = [
    "admin",
    "staff",
    "grid",
    "property",
    "officer",
    "inspector",
    "contractor",
    "resident",
    None,
]

# Which households (by building key) each role may see.
HOUSEHOLDS_SEEN = {
    "admin": {"a1", "a2", "b1"},
    "staff": {"a1", "a2", "b1"},
    "grid": {"a1"},
    "property": {"a1", "a2"},
    "officer": set(),
    "inspector": set(),
    "contractor": set(),
    "resident": {"a1"},
    None: set(),
}
COMPOUNDS_SEEN = {
    "admin": {"a", "b"},
    "staff": {"a", "b"},
    "grid": {"a"},
    "property": {"a"},
    "officer": {"a", "b"},
    "inspector": set(),
    "contractor": set(),
    "resident": {"a"},
    None: set(),
}
SHOPS_SEEN = {
    "admin": {"a", "b"},
    "staff": {"a", "b"},
    "grid": {"a"},
    "property": {"a"},
    "officer": {"a", "b"},
    "inspector": set(),
    "contractor": set(),
    "resident": {"a"},
    None: set(),
}
CHANGE_HOUSEHOLDS = {"admin": {"a1", "a2", "b1"}, "staff": {"a1", "a2", "b1"}, "grid": {"a1"}}
EXPORTERS = {"admin", "staff"}


def _user(world, role):
    return world.users[role] if role else None


def _keys(mapping, objects):
    inverse = {obj.pk: key for key, obj in mapping.items()}
    return {inverse[o.pk] for o in objects}


@pytest.mark.parametrize("role", ROLES)
def test_querysets(world, role):
    user = _user(world, role)
    assert _keys(world.households, Household.objects.visible_to(user)) == HOUSEHOLDS_SEEN[role]
    expected_residents = {f"{h}-{r}" for h in HOUSEHOLDS_SEEN[role] for r in ("head", "spouse")}
    assert _keys(world.residents, Resident.objects.visible_to(user)) == expected_residents
    assert _keys(world.compounds, Compound.objects.visible_to(user)) == COMPOUNDS_SEEN[role]
    assert _keys(world.shops, Shop.objects.visible_to(user)) == SHOPS_SEEN[role]
    changeable = _keys(world.households, Household.objects.restrict(user, CHANGE))
    assert changeable == CHANGE_HOUSEHOLDS.get(role, set())
    for action in (IMPORT, EXPORT):
        allowed = Resident.objects.restrict(user, action).exists()
        assert allowed == (role in EXPORTERS)


@pytest.mark.parametrize("role", ROLES)
def test_object_checks(world, role):
    user = _user(world, role)
    for key, household in world.households.items():
        assert can(user, VIEW, household) == (key in HOUSEHOLDS_SEEN[role])
        assert can(user, CHANGE, household) == (key in CHANGE_HOUSEHOLDS.get(role, set()))


@pytest.mark.parametrize("role", ROLES)
def test_pages(world, login, client, role):
    user = _user(world, role)
    c = login(user) if user else client
    for key, household in world.households.items():
        response = c.get(f"/register/households/{household.pk}/")
        if user is None:
            assert response.status_code == 302  # to the login page
        else:
            assert response.status_code == (200 if key in HOUSEHOLDS_SEEN[role] else 404)
    listing = c.get("/register/residents/")
    if user is None:
        assert listing.status_code == 302
    elif HOUSEHOLDS_SEEN[role]:
        body = listing.content.decode()
        for key, resident in world.residents.items():
            assert (resident.name in body) == (key.split("-")[0] in HOUSEHOLDS_SEEN[role])
    else:
        assert listing.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_api(world, api_client, role):
    user = _user(world, role)
    c = api_client(user)
    response = c.get("/api/v1/households")
    if user is None:
        assert response.status_code == 401
        return
    assert response.status_code == 200
    seen = {h["id"] for h in response.json()["items"]}
    assert seen == {world.households[k].pk for k in HOUSEHOLDS_SEEN[role]}
    assert response.json()["count"] == len(HOUSEHOLDS_SEEN[role])
    for key, resident in world.residents.items():
        r = c.get(f"/api/v1/residents/{resident.pk}")
        assert r.status_code == (200 if key.split("-")[0] in HOUSEHOLDS_SEEN[role] else 404)
    create = c.post(
        "/api/v1/residents",
        {
            "household": world.households["a1"].pk,
            "name": "新居民",
            "gender": "F",
            "relation": "child",
        },
        content_type="application/json",
    )
    if "a1" in CHANGE_HOUSEHOLDS.get(role, set()):
        assert create.status_code == 201
    elif "a1" in HOUSEHOLDS_SEEN[role]:
        assert create.status_code == 403
    else:
        assert create.status_code == 400  # the household is not in their scope


def test_no_page_shows_a_full_id_number(world, login):
    staff = login(world.users["staff"])
    numbers = [r.id_number for r in world.residents.values()]
    pages = ["/register/residents/", "/register/households/", "/"]
    pages += [f"/register/residents/{r.pk}/" for r in world.residents.values()]
    pages += [f"/register/households/{h.pk}/" for h in world.households.values()]
    for path in pages:
        body = staff.get(path).content.decode()
        assert not any(n in body for n in numbers), path
    api = staff.get("/api/v1/residents").content.decode()
    assert not any(n in api for n in numbers)
    assert world.residents["a1-head"].masked_id_number in api


def test_anonymous_visitors_get_nothing_personal(world, client):
    for path in [
        "/register/residents/",
        "/register/households/",
        "/register/shops/",
        f"/register/residents/{world.residents['a1-head'].pk}/",
    ]:
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for path in ["/api/v1/residents", "/api/v1/households", "/api/v1/shops", "/api/v1/compounds"]:
        assert client.get(path).status_code == 401
