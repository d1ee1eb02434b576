"""The grid worker's phone home: overdue first with a red marker, then what is due within two
working days, then the rest of their open cases — their grid's and those given to them —
and nobody else's; the "log a visit" button and the care list."""

from django.utils import translation

from community_brain.places import services as place_services
from community_brain.places.models import ResidentTag
from community_brain.testing import make_id_number
from community_brain.workbench import queries
from community_brain.workbench.deadlines import time_left
from community_brain.workbench.tests.conftest import NOW


def codes(cases):
    return [c.code for c in cases]


def test_the_lists_hold_my_grids_and_my_own_cases_in_their_parts(world, scene):
    home = queries.grid_home(world.users["grid"], NOW)
    c = scene
    assert codes(home["overdue"]) == codes([c["unsatisfied"], c["late"]])  # 6 and 9 March
    assert codes(home["due_soon"]) == codes([c["today"], c["soon"]])  # 11 and 12 March
    assert codes(home["others"]) == codes([c["later"], c["mine"]])  # 17 and 24 March
    assert (home["overdue_count"], home["due_soon_count"], home["others_count"]) == (2, 2, 2)
    assert home["total"] == 6
    shown = set(codes(home["overdue"] + home["due_soon"] + home["others"]))
    for other in ("other_grid", "compound_b", "flagged", "today_new", "resolved", "verified"):
        assert c[other].code not in shown, other


def test_the_page_marks_overdue_rows_and_links_each_case(world, scene, login):
    response = login(world.users["grid"]).get("/workbench/grid/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/cases/diary/"' in html and "data-log-visit" in html
    overdue_part = html[html.index('id="overdue"') : html.index('id="due-soon"')]
    assert overdue_part.count('class="wb-case late"') == 2
    assert overdue_part.count('class="wb-marker"') == 2
    for key in ("unsatisfied", "late"):
        assert f'href="/cases/{scene[key].code}/"' in overdue_part
    rest = html[html.index('id="due-soon"') :]
    assert "wb-case late" not in rest
    for key in ("today", "soon", "later", "mine"):
        assert f'href="/cases/{scene[key].code}/"' in rest
    assert scene["other_grid"].code not in html and scene["compound_b"].code not in html
    assert "2026-03-11 23:59" in html  # dates as Y-m-d


def test_another_grid_worker_sees_only_their_grid(world, scene, login):
    from community_brain.accounts import services as account_services
    from community_brain.accounts.models import User
    from community_brain.accounts.roles import Role
    from community_brain.testing import PASSWORD

    other = User.objects.create_user(username="grid2", password=PASSWORD)
    account_services.add_membership(
        by=None,
        user=other,
        role=Role.GRID_WORKER,
        organisation=world.orgs["committee"],
        grid=world.grids["a2"],
    )
    home = queries.grid_home(other, NOW)
    assert codes(home["overdue"] + home["due_soon"] + home["others"]) == [scene["other_grid"].code]


def test_remaining_time_in_working_days(world, scene):
    with translation.override("en"):
        said = {k: time_left(scene[k], NOW).text for k in ("late", "today", "soon", "later")}
    assert said == {
        "late": "overdue 2 days",  # deadline 9 March
        "today": "due today",
        "soon": "1 working day left",  # 12 March
        "later": "4 working days left",  # 17 March: 12, 13, 16, 17
    }
    assert time_left(scene["late"], NOW).late and not time_left(scene["soon"], NOW).late


def test_the_care_list_counts_households(world, scene, login):
    tag = ResidentTag.objects.get(code="elderly_alone")
    for seq, (name, key) in enumerate((("张大爷", "a1"), ("孙奶奶", "a1"), ("周大爷", "b1"))):
        place_services.register_resident(
            by=world.users["staff"],
            household=world.households[key],
            data={
                "name": name,
                "gender": "M",
                "relation": "other",
                "id_number": make_id_number("19400101", 501 + 2 * seq),
                "residence_type": "registered",
                "tags": [tag.pk],
            },
        )
    home = queries.grid_home(world.users["grid"], NOW)
    assert home["care_households"] == 1  # two people in one household of grid a1
    html = login(world.users["grid"]).get("/workbench/grid/").content.decode()
    assert 'data-count="care">1<' in html
