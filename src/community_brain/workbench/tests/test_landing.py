"""``/workbench/`` sends each person to the page of their primary role; each page is for the
roles it serves only."""

import pytest

from community_brain.accounts import services as account_services
from community_brain.accounts.roles import Role


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("grid", "/workbench/grid/"),
        ("officer", "/workbench/inbox/"),
        ("property", "/workbench/inbox/"),
        ("contractor", "/workbench/inbox/"),
        ("staff", "/workbench/overview/"),
        ("admin", "/workbench/overview/"),
        ("inspector", "/"),
        ("resident", "/"),
    ],
)
def test_the_landing_page_sends_each_role_to_its_workbench(world, login, who, target):
    response = login(world.users[who]).get("/workbench/")
    assert response.status_code == 302 and response.url == target


def test_strangers_are_asked_to_sign_in(client, db):
    for url in ("/workbench/", "/workbench/grid/", "/workbench/inbox/", "/workbench/overview/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


ALLOWED = {
    "/workbench/grid/": {"grid"},
    "/workbench/inbox/": {"officer", "property", "contractor"},
    "/workbench/overview/": {"staff", "admin"},
}


@pytest.mark.parametrize("url", sorted(ALLOWED))
def test_each_page_serves_its_roles_only(world, login, url):
    for who in (
        "grid",
        "officer",
        "property",
        "contractor",
        "staff",
        "admin",
        "inspector",
        "resident",
    ):
        status = login(world.users[who]).get(url).status_code
        assert status == (200 if who in ALLOWED[url] else 403), (who, status)


def test_a_person_with_two_roles_may_open_both_pages(world, login):
    staff = world.users["staff"]
    account_services.add_membership(
        by=None,
        user=staff,
        role=Role.GRID_WORKER,
        organisation=world.orgs["committee"],
        grid=world.grids["b1"],
    )
    client = login(staff)
    assert client.get("/workbench/").url == "/workbench/overview/"  # the primary role
    assert client.get("/workbench/grid/").status_code == 200
    assert client.get("/workbench/overview/").status_code == 200
    assert client.get("/workbench/inbox/").status_code == 403
