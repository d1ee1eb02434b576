"""The handlers' inbox: their organisations' cases and those they co-handle, waiting to be
accepted, in progress or sent back; overdue first, then by deadline; accept/start buttons that
call the services and refuse, with a message, what the case or the person's rights do not
allow."""

import re

import pytest
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from community_brain.accounts import services as account_services
from community_brain.accounts.models import User
from community_brain.accounts.roles import Role
from community_brain.cases import actions, services, sweep
from community_brain.cases.choices import Status
from community_brain.cases.models import Case
from community_brain.testing import PASSWORD
from community_brain.workbench import queries
from community_brain.workbench.deadlines import time_left
from community_brain.workbench.tests.conftest import NOW, at, report_at, then


@pytest.fixture
def inbox_scene(frozen, world, cats):
    u, c = world.users, {}
    c["O"] = report_at(at(2026, 3, 3, 9), world, cats, building="a1", title="overdue")  # 10 Mar
    c["P"] = report_at(at(2026, 3, 2, 9), world, cats, building="a2", title="paused")  # 9 Mar
    then(at(2026, 3, 3, 9), services.pause, c["P"], by=u["property"], reason="住户不在家")
    c["T"] = report_at(at(2026, 3, 4, 9), world, cats, building="a1", title="today")  # 11 Mar
    c["L"] = report_at(at(2026, 3, 10, 9), world, cats, building="a1", title="later")  # 17 Mar
    c["IP"] = report_at(at(2026, 3, 9, 9), world, cats, building="a1", title="working")  # 16 Mar
    then(at(2026, 3, 10, 9), services.start, c["IP"], by=u["property"])
    c["SB"] = report_at(at(2026, 3, 5, 9), world, cats, building="a1", title="sent back")  # 12
    then(at(2026, 3, 6, 9), services.start, c["SB"], by=u["property"])
    then(at(2026, 3, 6, 15), services.resolve, c["SB"], by=u["property"], result="已经修好了")
    then(at(2026, 3, 9, 9), services.send_back, c["SB"], by=u["staff"], reason="还是坏的")
    c["CO"] = report_at(at(2026, 3, 10, 9), world, cats, category="road", compound="b")  # 24
    then(
        at(2026, 3, 10, 10),
        services.add_co_handler,
        c["CO"],
        by=u["staff"],
        organisation=world.orgs["prop_a"],
    )
    # not the property company's
    c["X"] = report_at(
        at(2026, 3, 10, 9), world, cats, compound="b", building="b1", title="乙小区的事"
    )
    c["R"] = report_at(at(2026, 3, 5, 9), world, cats, building="a1", title="resolved")
    then(at(2026, 3, 6, 9), services.resolve, c["R"], by=u["property"], result="已经修好了")
    sweep.sweep(NOW)
    for case in c.values():
        case.refresh_from_db()
    return c


def order(user, waiting=""):
    return [c.code for c in queries.inbox(user, NOW, waiting)]


def test_overdue_first_then_by_deadline(world, inbox_scene):
    c = inbox_scene
    assert c["O"].is_overdue and not c["P"].is_overdue
    expected = [c[k].code for k in ("O", "P", "T", "SB", "IP", "L", "CO")]
    # P's deadline (9 March) is earlier than O's (10 March), but its clock is paused.
    assert order(world.users["property"]) == expected


def test_each_organisation_sees_its_own_and_what_it_co_handles(world, inbox_scene):
    c = inbox_scene
    assert order(world.users["officer"]) == [c["CO"].code]  # the lead of the road case
    assert order(world.users["contractor"]) == []
    assert c["X"].code not in order(world.users["property"])
    assert c["R"].code not in order(world.users["property"])  # resolved: not waiting


def test_tabs_and_their_counts(world, inbox_scene, login):
    c, prop = inbox_scene, world.users["property"]
    assert order(prop, "to_accept") == [c[k].code for k in ("O", "P", "T", "L", "CO")]
    assert order(prop, "in_progress") == [c["IP"].code]
    assert order(prop, "sent_back") == [c["SB"].code]
    counts = queries.inbox_counts(prop, NOW)
    assert counts == {"all": 7, "late_count": 1, "to_accept": 5, "in_progress": 1, "sent_back": 1}
    html = login(prop).get("/workbench/inbox/?waiting=sent_back").content.decode()
    assert html.count("data-case=") == 1 and c["SB"].code in html
    assert 'data-count="sent_back">1<' in html and 'data-count="all">7<' in html


def test_rows_show_state_time_left_and_the_buttons_allowed_now(world, inbox_scene, login):
    c = inbox_scene
    html = login(world.users["property"]).get("/workbench/inbox/").content.decode()
    rows = dict(re.findall(r'<tr class="[^"]*" data-case="([^"]+)">(.*?)</tr>', html, re.S))
    assert list(rows) == [c[k].code for k in ("O", "P", "T", "SB", "IP", "L", "CO")]
    assert 'class="overdue"' in html.split(f'data-case="{c["O"].code}"')[0][-40:]
    assert 'data-waiting="to_accept"' in rows[c["L"].code]
    assert 'data-waiting="sent_back"' in rows[c["SB"].code]
    assert 'data-waiting="in_progress"' in rows[c["IP"].code]
    for code, row in rows.items():
        # every form carries the CSRF token
        assert row.count("<form") == row.count("csrfmiddlewaretoken"), code
    assert 'data-action="start"' in rows[c["L"].code]
    assert 'data-action="start"' in rows[c["CO"].code]  # a co-handler may start too
    assert 'data-action="accept"' not in html  # accepting is the dispatcher's, from reported
    assert "data-action=" not in rows[c["IP"].code] and "data-action=" not in rows[c["SB"].code]
    with translation.override("en"):
        assert time_left(c["O"], NOW).text == "overdue 1 day"
        assert time_left(c["P"], NOW).text == "clock paused"
        assert time_left(c["SB"], NOW).text == "1 working day left"


def _messages(response):
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def said(case, text, **values):
    """A row's message as the (Chinese) page says it."""
    with translation.override("zh-hans"):
        return f"{case.code}：{gettext(text) % {k: str(v) for k, v in values.items()}}"


def test_start_works_and_a_second_start_is_refused_with_a_message(world, inbox_scene, login):
    case, client = inbox_scene["L"], login(world.users["property"])
    response = client.post(
        f"/workbench/inbox/{case.code}/start/", {"next": "/workbench/inbox/?waiting=to_accept"}
    )
    assert response.status_code == 302 and response.url == "/workbench/inbox/?waiting=to_accept"
    assert [level for level, _text in _messages(response)] == [SUCCESS]
    page = client.get(response.url).content.decode()  # the message is shown, once
    assert 'class="msg msg-success"' in page and case.code in page
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.started_at is not None
    assert (
        case.events.last().kind == "started" and case.events.last().actor == world.users["property"]
    )

    response = client.post(f"/workbench/inbox/{case.code}/start/")
    not_now = "Not possible now: the case is %(status)s."
    assert _messages(response) == [(ERROR, said(case, not_now, status=Status.IN_PROGRESS.label))]
    assert Case.objects.get(pk=case.pk).events.filter(kind="started").count() == 1


def test_accept_on_an_assigned_case_is_refused_with_a_message(world, inbox_scene, login):
    case = inbox_scene["T"]
    response = login(world.users["property"]).post(f"/workbench/inbox/{case.code}/accept/")
    not_now = "Not possible now: the case is %(status)s."
    assert _messages(response) == [(ERROR, said(case, not_now, status=Status.ASSIGNED.label))]
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED


def test_a_move_without_the_right_is_refused_with_a_message(world, cats, frozen, login):
    # A contractor who also walks grid a1 sees the residents' reports there, waiting for
    # triage — but accepting them is for the community's dispatchers.
    person = User.objects.create_user(username="both", password=PASSWORD)
    for role, org, scope in (
        (Role.CONTRACTOR, "contractor", {}),
        (Role.GRID_WORKER, "committee", {"grid": world.grids["a1"]}),
    ):
        account_services.add_membership(
            by=None, user=person, role=role, organisation=world.orgs[org], **scope
        )
    case = report_at(
        at(2026, 3, 10, 9), world, cats, by="resident", source="resident_page", building="a1"
    )
    assert case.status == Status.REPORTED
    response = login(person).post(f"/workbench/inbox/{case.code}/accept/")
    may_not = "You may not %(action)s this case."
    assert _messages(response) == [
        (ERROR, said(case, may_not, action=actions.ACTIONS["accept"].label))
    ]
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_other_organisations_cases_and_unknown_moves_are_not_found(world, inbox_scene, login):
    client = login(world.users["property"])
    assert client.post(f"/workbench/inbox/{inbox_scene['X'].code}/start/").status_code == 404
    assert client.post(f"/workbench/inbox/{inbox_scene['L'].code}/resolve/").status_code == 404
    assert client.get(f"/workbench/inbox/{inbox_scene['L'].code}/start/").status_code == 405
    assert (
        login(world.users["grid"])
        .post(f"/workbench/inbox/{inbox_scene['L'].code}/start/")
        .status_code
        == 403
    )


def test_a_post_without_the_csrf_token_is_refused(world, inbox_scene):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["property"])
    case = inbox_scene["L"]
    assert client.post(f"/workbench/inbox/{case.code}/start/").status_code == 403
    case.refresh_from_db()
    assert case.status == Status.ASSIGNED


def test_an_outside_next_is_not_followed(world, inbox_scene, login):
    case = inbox_scene["L"]
    response = login(world.users["property"]).post(
        f"/workbench/inbox/{case.code}/start/", {"next": "https://evil.example/"}
    )
    assert response.url == "/workbench/inbox/"
