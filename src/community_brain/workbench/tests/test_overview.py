"""The secretary's overview: every number is a link to the ledger list it counts, and that
list holds exactly that many cases — for the whole community and for a narrower scope."""

import html as html_lib
import re

from community_brain.accounts import services as account_services
from community_brain.accounts.models import User
from community_brain.accounts.roles import Role
from community_brain.testing import PASSWORD

LINK = re.compile(r'<a [^>]*href="(/cases/\?[^"]*)"[^>]*data-count="(\d+)"[^>]*>(\d+)</a>')
TILE = re.compile(
    r'<a class="stat[^"]*" href="(/cases/\?[^"]*)" data-tile="(\w+)" data-count="(\d+)">'
    r'<div class="num">(\d+)</div>'
)


def numbers_and_links(page: str) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """The tiles' numbers by key, and every number on the page with its link."""
    tiles, found = {}, []
    for href, key, count, shown in TILE.findall(page):
        assert count == shown
        tiles[key] = int(count)
        found.append((html_lib.unescape(href), int(count)))
    for href, count, shown in LINK.findall(page):
        assert count == shown
        found.append((html_lib.unescape(href), int(count)))
    return tiles, found


def ledger_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    paginator = response.context["page"].paginator
    assert not paginator.capped
    count = paginator.count
    assert f"共 {count} 条" in response.content.decode()  # what the ledger page says
    return count


def check_every_number(client) -> dict[str, int]:
    response = client.get("/workbench/overview/")
    assert response.status_code == 200
    page = response.content.decode()
    tiles, links = numbers_and_links(page)
    assert len(tiles) == 8
    rows = page.count("<tr>") - 2  # less the two tables' heads
    assert rows > 0 and len(links) == 8 + 2 * rows  # the tiles, then open and overdue per row
    for url, number in links:
        assert ledger_count(client, url) == number, url
    return tiles


def test_every_number_equals_the_ledger_list_it_links_to(world, scene, login):
    tiles = check_every_number(login(world.users["staff"]))
    assert tiles == {
        "open": 10,
        "overdue": 2,  # late, and the reopened unsatisfied one
        "due_today": 1,  # the resolved case due today is not counted
        "to_verify": 1,
        "to_rate": 1,
        "flagged": 1,
        "unsatisfied": 1,
        "reported_today": 1,
    }


def test_the_tables_per_organisation_and_grid(world, scene, login):
    page = login(world.users["staff"]).get("/workbench/overview/").content.decode()
    rows = re.findall(
        r"<tr>\s*<td>([^<]+)</td>\s*<td class=\"num\"><a [^>]*>(\d+)</a></td>\s*"
        r"<td class=\"num\"><a [^>]*>(\d+)</a></td>",
        page,
    )
    table = {label: (int(o), int(d)) for label, o, d in rows}
    assert table["甲物业"] == (4, 2)
    assert table["测试社区居委会"] == (3, 0)
    assert table["乙物业"] == (2, 0)
    assert table["街道城管办"] == (1, 0)
    assert table["网格a1"] == (5, 2)  # unsatisfied, late, today, soon, later
    assert table["网格b1"] == (3, 0)  # compound_b, mine, today_new (flagged has no building)
    assert table["网格a2"] == (1, 0)


def test_a_narrower_scope_counts_less_and_still_agrees_with_the_ledger(world, scene, login):
    person = User.objects.create_user(username="staff_b", password=PASSWORD)
    account_services.add_membership(
        by=None,
        user=person,
        role=Role.COMMUNITY_STAFF,
        organisation=world.orgs["committee"],
        compound=world.compounds["b"],
    )
    tiles = check_every_number(login(person))
    assert tiles["open"] == 4  # compound_b, mine, flagged, today_new
    assert tiles["overdue"] == 0 and tiles["flagged"] == 1 and tiles["reported_today"] == 1
    page = login(person).get("/workbench/overview/").content.decode()
    assert "甲物业" not in page and "网格a1" not in page


def test_the_admin_sees_the_same_as_the_whole_community(world, scene, login):
    assert check_every_number(login(world.users["admin"])) == check_every_number(
        login(world.users["staff"])
    )
