"""GET requests: the status mapping, the filters and windows, empty arguments, what is
public and what never is; where a posted request is placed."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from community_brain.cases import services
from community_brain.cases.choices import Status
from community_brain.cases.models import Case, CasePhoto
from community_brain.cases.open311 import mapping
from community_brain.places.models import Compound
from community_brain.testing import report_case

from .conftest import BASE, flat, get, post, read

FORMATS = ["json", "xml"]


def codes(response, fmt) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["service_request_id"] for r in read(response, fmt)]


def by_code(response, fmt) -> dict:
    return {r["service_request_id"]: r for r in read(response, fmt)}


@pytest.fixture
def every_state(world, cats):
    """One case in each status of the ledger, moved there through the services."""
    staff, handler = world.users["staff"], world.users["property"]
    out = {}
    out[Status.REPORTED] = report_case(world, cats, by="grid", title="只是上报了")
    out[Status.ACCEPTED] = services.accept(
        report_case(world, cats, by="grid", title="社区受理了"), by=staff
    )
    out[Status.ASSIGNED] = report_case(world, cats, title="派给物业了")
    case = services.start(report_case(world, cats, title="物业在处理"), by=handler)
    out[Status.IN_PROGRESS] = case
    case = services.start(report_case(world, cats, title="物业修好了"), by=handler)
    out[Status.RESOLVED] = services.resolve(case, by=handler, result="已经更换灯具")
    case = services.start(report_case(world, cats, title="社区核实了"), by=handler)
    case = services.resolve(case, by=handler, result="已经更换灯具")
    out[Status.VERIFIED] = services.verify(case, by=staff)
    case = services.start(report_case(world, cats, title="已经办结了"), by=handler)
    case = services.verify(services.resolve(case, by=handler, result="已经更换灯具"), by=staff)
    out[Status.CLOSED] = services.rate(case, by=staff, rating="satisfied")
    out[Status.REJECTED] = services.reject(
        report_case(world, cats, by="grid", title="不归社区管"), by=staff, reason="属于市政"
    )
    out[Status.DUPLICATE] = services.mark_duplicate(
        report_case(world, cats, by="grid", title="重复的上报"),
        by=staff,
        of=out[Status.ASSIGNED],
    )
    for status, case in out.items():
        assert case.status == status
    return out


def test_every_case_status_has_an_open311_status():
    assert set(mapping.STATUS_MAP) == set(Status)


@pytest.mark.parametrize("fmt", FORMATS)
def test_status_mapping_and_filter(world, every_state, client, fmt):
    rows = by_code(get(client, "requests", fmt), fmt)
    expected = {
        Status.REPORTED: "open",
        Status.ACCEPTED: "open",
        Status.ASSIGNED: "open",
        Status.IN_PROGRESS: "open",
        Status.RESOLVED: "open",
        Status.VERIFIED: "open",
        Status.CLOSED: "closed",
        Status.REJECTED: "closed",
        Status.DUPLICATE: "closed",
    }
    assert {rows[c.code]["status"] for c in every_state.values()} == {"open", "closed"}
    for status, case in every_state.items():
        assert rows[case.code]["status"] == expected[status], status

    closed = set(codes(get(client, "requests", fmt, {"status": "closed"}), fmt))
    assert closed == {every_state[s].code for s in expected if expected[s] == "closed"}
    both = codes(get(client, "requests", fmt, {"status": "open,closed"}), fmt)
    assert len(both) == len(every_state)

    # closed: updated_datetime is the close time; the notes say what happened last
    case = Case.objects.get(pk=every_state[Status.REJECTED].pk)
    row = rows[case.code]
    assert row["updated_datetime"] == timezone.localtime(case.closed_at).isoformat("T", "seconds")
    assert "属于市政" in row["status_notes"]
    assert row["service_notice"] == ""
    assert rows[every_state[Status.ASSIGNED].code]["agency_responsible"] == "甲物业"
    assert "same" not in rows[every_state[Status.ASSIGNED].code]["status_notes"].lower()


@pytest.mark.parametrize("fmt", FORMATS)
def test_personal_data_is_never_in_the_public_answer(world, cats, key, road, client, fmt):
    household = world.households["a1"]
    case = report_case(
        world,
        cats,
        building="a1",
        household=household.pk,
        reporter_name="王大强",
        reporter_phone="13953319999",
        description="楼道漏水，联系13953319999，证件370322197001010011",
    )
    posted = post(
        client,
        fmt,
        {
            "api_key": key,
            "service_code": "road",
            "address_string": "东风路88号3单元502室",
            "attribute[size]": "small",
            "first_name": "丽",
            "last_name": "赵",
            "phone": "13953318888",
            "email": "zhao@example.com",
            "device_id": "ios-abc",
            "description": "短",
        },
    )
    assert posted.status_code == 200
    response = get(client, "requests", fmt)
    body = response.content.decode()
    rows = by_code(response, fmt)
    row = rows[case.code]
    assert row["address"] == "甲小区1号楼"  # compound and building, not unit and room
    assert row["address_id"] == ""
    assert row["description"] == "楼道漏水，联系139****9999，证件3703**********0011"
    for private in (
        household.address,
        "1单元301",
        "王大强",
        "13953319999",
        "370322197001010011",
        "赵丽",
        "13953318888",
        "zhao@example.com",
        "ios-abc",
        "502",
        "Open311 ——",
    ):
        assert private not in body, private
    other = rows[read(posted, fmt)[0]["service_request_id"]]
    assert other["address"] == "东风路88号"
    assert other["description"] == "短"


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_optional_arguments_are_ignored(world, every_state, road, key, client, fmt):
    everything = codes(get(client, "requests", fmt), fmt)
    empty = {
        "service_request_id": "",
        "service_code": "",
        "start_date": "",
        "end_date": "",
        "status": "",
        "jurisdiction_id": "",
    }
    assert codes(get(client, "requests", fmt, empty), fmt) == everything
    assert len(everything) == len(every_state)
    response = post(
        client,
        fmt,
        {
            "api_key": key,
            "service_code": "road",
            "lat": "",
            "long": "",
            "address_id": "",
            "address_string": "北二路",
            "attribute[size]": "small",
            "attribute[depth]": "",
            "attribute[hazards][]": "",
            "description": "",
            "email": "",
            "phone": "",
            "first_name": "",
            "last_name": "",
            "media_url": "",
            "device_id": "",
            "account_id": "",
            "jurisdiction_id": "",
        },
    )
    assert response.status_code == 200, response.content
    case = Case.objects.get(code=read(response, fmt)[0]["service_request_id"])
    assert case.title == "道路破损" and case.lat is None and case.reporter_phone == ""
    assert flat(read(response, fmt)[0]["account_id"]) == ""


def _old_case(world, cats, days: int, title: str) -> Case:
    return services.report(
        by=world.users["staff"],
        data={
            "title": title,
            "category": cats["road"].pk,
            "compound": world.compounds["b"].pk,
        },
        source="staff",
        when=timezone.now() - timedelta(days=days),
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_windows_and_filters(world, cats, client, fmt):
    old = _old_case(world, cats, 100, "一百天前的坑")
    recent = _old_case(world, cats, 2, "两天前的坑")
    noise = report_case(world, cats, category="noise", title="楼上装修噪音")
    # the default window is the last 90 days
    assert set(codes(get(client, "requests", fmt), fmt)) == {recent.code, noise.code}
    # an id overrides every other filter, whatever its age
    params = {"service_request_id": f"{old.code},{noise.code}", "service_code": "dispute"}
    assert set(codes(get(client, "requests", fmt, params), fmt)) == {old.code, noise.code}
    assert codes(get(client, f"requests/{old.code}", fmt), fmt) == [old.code]
    # a window of our own, with Z or an offset
    now = timezone.now()
    start, end = now - timedelta(days=120), now - timedelta(days=60)
    params = {"start_date": start.isoformat(), "end_date": end.isoformat()}
    assert codes(get(client, "requests", fmt, params), fmt) == [old.code]
    utc = {"start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert codes(get(client, "requests", fmt, utc), fmt) == [old.code]  # 90 days from start
    local = timezone.localtime(now - timedelta(days=5)).isoformat(timespec="seconds")
    raw = client.get(f"{BASE}/requests.{fmt}?start_date={local}")  # '+' arrives as a space
    assert set(codes(raw, fmt)) == {recent.code, noise.code}
    # service codes, comma-separated
    params = {"service_code": "road,dispute-noise"}
    assert set(codes(get(client, "requests", fmt, params), fmt)) == {recent.code, noise.code}
    assert codes(get(client, "requests", fmt, {"service_code": "dispute-noise"}), fmt) == [
        noise.code
    ]
    # a community's code as jurisdiction_id narrows to it; the host name is ours
    assert len(codes(get(client, "requests", fmt, {"jurisdiction_id": "TS"}), fmt)) == 2
    assert len(codes(get(client, "requests", fmt, {"jurisdiction_id": "testserver"}), fmt)) == 2


def test_at_most_the_first_1000(world, cats, client, monkeypatch):
    made = [report_case(world, cats, title=f"第{i}个问题") for i in range(3)]
    monkeypatch.setattr(mapping, "MAX_REQUESTS", 2)
    listed = codes(get(client, "requests", "json"), "json")
    assert listed == [made[2].code, made[1].code]  # newest first


def test_a_request_is_placed_in_the_compound_it_names_or_lies_in(world, road, key, client):
    data = {"api_key": key, "service_code": "road", "attribute[size]": "small"}
    response = post(client, "json", {**data, "address_string": "甲小区2号楼3单元501"})
    case = Case.objects.get(code=response.json()[0]["service_request_id"])
    assert case.compound == world.compounds["a"] and case.building == world.buildings["a2"]
    [row] = get(client, f"requests/{case.code}", "json").json()
    assert row["address"] == "甲小区2号楼"

    Compound.objects.filter(pk=world.compounds["b"].pk).update(
        outline={
            "type": "Polygon",
            "coordinates": [[[118.0, 37.0], [118.1, 37.0], [118.1, 37.1], [118.0, 37.1]]],
        }
    )
    response = post(client, "json", {**data, "lat": "37.05", "long": "118.05"})
    case = Case.objects.get(code=response.json()[0]["service_request_id"])
    assert case.compound == world.compounds["b"]
    [row] = get(client, f"requests/{case.code}", "json").json()
    assert row["address"] == "乙小区" and row["lat"] == 37.05

    response = post(client, "json", {**data, "address_id": str(world.households["b1"].pk)})
    case = Case.objects.get(code=response.json()[0]["service_request_id"])
    assert case.household == world.households["b1"]
    assert case.building == world.buildings["b1"] and case.compound == world.compounds["b"]
    [row] = get(client, f"requests/{case.code}", "json").json()
    assert row["address"] == "乙小区1号楼"


def test_multipart_with_a_photo(world, road, key, client):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "hole.jpg"
    data = {
        "api_key": key,
        "service_code": "road",
        "address_string": "北二路",
        "attribute[size]": "small",
        "attribute[hazards][]": ["car", "walk"],
        "media": buffer,
    }
    response = post(client, "xml", data, multipart=True)
    assert response.status_code == 200, response.content
    [answer] = read(response, "xml")
    case = Case.objects.get(code=answer["service_request_id"])
    assert CasePhoto.objects.filter(case=case, stage="report").count() == 1
    assert "影响车辆 [car]; 影响行人 [walk]" in case.description
    assert flat(answer["account_id"]) == ""
