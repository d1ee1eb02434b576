"""The on-call rota (值班表): who is on duty, the calendar page, and who may keep the rota —
on pages and over the API."""

import pytest
from django.core.exceptions import PermissionDenied

from community_brain.core.errors import InvalidInput
from community_brain.core.models import AuditLog
from community_brain.notify import oncall, services
from community_brain.notify.models import Shift
from community_brain.notify.tests.conftest import at


def test_on_duty_follows_the_rota_order(crew):
    crew.shift(crew.bob, "2026-03-10T08:00", "2026-03-10T18:00", order=2)
    crew.shift(crew.alice, "2026-03-10T08:00", "2026-03-10T18:00", order=1)
    noon = at(2026, 3, 10, 12, 0)
    assert oncall.on_duty(organisation=crew.org, at=noon) == [crew.alice, crew.bob]
    assert oncall.first_responders(organisation=crew.org, at=noon) == [crew.alice]
    assert oncall.chain(organisation=crew.org, at=noon) == [crew.alice, crew.bob, crew.lee]
    # a shift's end is not part of it
    assert oncall.on_duty(organisation=crew.org, at=at(2026, 3, 10, 18, 0)) == [crew.lee]


def test_compound_shifts_come_before_the_organisations_general_ones(crew):
    compound = crew.world.compounds["a"]
    crew.shift(crew.alice, "2026-03-10T08:00", "2026-03-10T18:00", order=1)
    crew.shift(crew.carol, "2026-03-10T08:00", "2026-03-10T18:00", order=1, compound=compound)
    noon = at(2026, 3, 10, 12, 0)
    assert oncall.on_duty(organisation=crew.org, compound=compound, at=noon) == [
        crew.carol,
        crew.alice,
    ]
    assert oncall.first_responders(organisation=crew.org, compound=compound, at=noon) == [
        crew.carol
    ]


def test_nobody_rostered_falls_back_to_the_leaders(crew):
    assert oncall.on_duty(organisation=crew.org) == [crew.lee]
    compound = crew.world.compounds["a"]  # managed by prop_a
    assert oncall.on_duty(compound=compound) == [crew.lee]
    assert oncall.on_duty(organisation=crew.world.orgs["dept"]) == []


def test_only_leaders_staff_and_admins_keep_the_rota(crew):
    data = {
        "organisation": crew.org.pk,
        "user": crew.alice.pk,
        "starts_at": "2026-03-10T08:00",
        "ends_at": "2026-03-10T18:00",
        "order": 1,
    }
    with pytest.raises(PermissionDenied):
        services.add_shift(by=crew.alice, data=data)
    shift = services.add_shift(by=crew.lee, data=data)
    assert shift.created_by == crew.lee
    assert AuditLog.objects.filter(action="shift.add", object_id=str(shift.pk)).exists()
    with pytest.raises(PermissionDenied):
        services.remove_shift(by=crew.bob, shift=shift)
    services.remove_shift(by=crew.lee, shift=shift)
    assert not Shift.objects.exists()


def test_bad_shifts_name_the_field(crew):
    base = {
        "organisation": crew.org.pk,
        "user": crew.alice.pk,
        "starts_at": "2026-03-10T18:00",
        "ends_at": "2026-03-10T08:00",
        "order": 1,
    }
    with pytest.raises(InvalidInput) as exc:
        services.add_shift(by=crew.admin, data=base)
    assert "ends_at" in exc.value.field_errors
    outsider = crew.world.users["officer"]
    with pytest.raises(InvalidInput) as exc:
        services.add_shift(
            by=crew.admin, data={**base, "user": outsider.pk, "ends_at": "2026-03-11T08:00"}
        )
    assert "user" in exc.value.field_errors
    with pytest.raises(InvalidInput) as exc:
        services.add_shift(
            by=crew.admin,
            data={
                **base,
                "ends_at": "2026-03-11T08:00",
                "compound": crew.world.compounds["b"].pk,  # prop_b's
            },
        )
    assert "compound" in exc.value.field_errors


def test_the_calendar_page(crew, login):
    crew.shift(crew.alice, "2026-03-10T18:00", "2026-03-11T08:00", order=1)
    crew.shift(crew.bob, "2026-03-10T18:00", "2026-03-11T08:00", order=2)
    page = login(crew.lee).get(f"/notices/rota/?organisation={crew.org.pk}&month=2026-03")
    assert page.status_code == 200
    html = page.content.decode()
    assert "值班甲" in html and "值班乙" in html
    # both night shifts, on both days they touch
    assert html.count("18:00–…") == 2 and html.count("…–08:00") == 2
    assert "/notices/rota/new/" in html  # the leader may add shifts
    page = login(crew.alice).get("/notices/rota/?month=2026-03").content.decode()
    assert "值班甲" in page and "/notices/rota/new/" not in page
    assert login(crew.world.users["resident"]).get("/notices/rota/").status_code == 200


def test_adding_and_removing_a_shift_from_the_pages(crew, login):
    client = login(crew.lee)
    assert client.get(f"/notices/rota/new/?organisation={crew.org.pk}").status_code == 200
    response = client.post(
        "/notices/rota/new/",
        {
            "organisation": crew.org.pk,
            "user": crew.bob.pk,
            "starts_at": "2026-05-01T08:00",
            "ends_at": "2026-05-02T08:00",
            "order": 1,
        },
    )
    assert response.status_code == 302 and "month=2026-05" in response["Location"]
    shift = Shift.objects.get()
    bad = client.post("/notices/rota/new/", {"organisation": crew.org.pk})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    assert login(crew.alice).post(f"/notices/rota/{shift.pk}/delete/").status_code == 403
    assert login(crew.alice).get("/notices/rota/new/").status_code == 403
    assert login(crew.lee).post(f"/notices/rota/{shift.pk}/delete/").status_code == 302
    assert not Shift.objects.exists()


def test_rota_over_the_api(crew, api_client):
    lee = api_client(crew.lee)
    created = lee.post(
        "/api/v1/rota-shifts",
        {
            "organisation": crew.org.pk,
            "user": crew.alice.pk,
            "starts_at": "2026-03-10T08:00:00+08:00",
            "ends_at": "2026-03-10T18:00:00+08:00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = lee.get(f"/api/v1/rota-shifts?organisation={crew.org.pk}").json()
    assert body["count"] == 1 and body["items"][0]["user_name"] == "值班甲"
    on_duty = lee.get(
        f"/api/v1/on-duty?organisation={crew.org.pk}&at=2026-03-10T12:00:00%2B08:00"
    ).json()
    assert [p["username"] for p in on_duty] == ["alice"]
    assert api_client(crew.alice).post(
        "/api/v1/rota-shifts", {"organisation": crew.org.pk}, content_type="application/json"
    ).status_code in {400, 403}
    officer = api_client(crew.world.users["officer"])
    assert officer.get(f"/api/v1/on-duty?organisation={crew.org.pk}").status_code == 404
    assert officer.get("/api/v1/rota-shifts").json()["count"] == 0
    shift_id = created.json()["id"]
    assert api_client(crew.bob).delete(f"/api/v1/rota-shifts/{shift_id}").status_code == 403
    assert lee.delete(f"/api/v1/rota-shifts/{shift_id}").status_code == 204


def test_home_organisations_of_many_people_match_one_by_one(crew):
    from community_brain.accounts import services as account_services
    from community_brain.accounts.roles import Role

    dept = crew.world.orgs["dept"]
    # bob also works for the department, as its leader: his leadership decides, until a
    # shift of his says otherwise; carol's only organisation is the property company.
    account_services.add_membership(
        by=None, user=crew.bob, role=Role.DEPARTMENT_OFFICER, organisation=dept, is_leader=True
    )
    crew.shift(crew.alice, "2026-03-10T08:00", "2026-03-10T18:00")
    people = [crew.alice, crew.bob, crew.carol, crew.world.users["admin"]]
    moment = at(2026, 3, 10, 9, 0)
    homes = oncall.home_organisation_ids([p.pk for p in people], moment)
    for person in people:
        single = oncall.home_organisation(person, moment)
        assert homes[person.pk] == (single.pk if single else None), person
    assert homes[crew.bob.pk] == dept.pk and homes[crew.alice.pk] == crew.org.pk
