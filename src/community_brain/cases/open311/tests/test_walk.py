"""An Open311 client's walk: discovery, services, a definition, POST a request with api_key,
look up its token, read it back — in JSON and in XML."""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from community_brain.cases.choices import Source, Status
from community_brain.cases.models import Case

from .conftest import CONTENT_TYPES, flat, get, post, read, root_tag

FORMATS = ["json", "xml"]

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def report(key, **extra):
    return {
        "api_key": key,
        "service_code": "road",
        "lat": "37.17",
        "long": "118.28",
        "description": "人行道上有个大坑\n晚上看不见，容易摔倒",
        "attribute[size]": "large",
        "attribute[hazards][]": ["car", "walk"],
        "attribute[depth]": "12.5",
        "first_name": "小明",
        "last_name": "张",
        "phone": "13953310000",
        "email": "zhang@example.com",
        "device_id": "phone-42",
        "account_id": "acct-7",
        "media_url": "https://img.example.com/hole.jpg",
        **extra,
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(world, client, fmt):
    response = get(client, "discovery", fmt)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    doc = read(response, fmt)
    assert set(doc) == {"changeset", "contact", "key_service", "endpoints"}
    assert doc["changeset"].endswith("+08:00") and doc["contact"] and doc["key_service"]
    [endpoint] = doc["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "http://testserver/open311/v2",
        "changeset": doc["changeset"],
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    if fmt == "xml":
        root = ET.fromstring(response.content)
        assert root.tag == "discovery"
        assert [e.tag for e in root.find("endpoints")] == ["endpoint"]
        assert [e.tag for e in root.find("endpoints/endpoint/formats")] == ["format", "format"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_leaves_of_the_tree(world, cats, road, client, fmt):
    cats["noise"].is_active = False
    cats["noise"].save()
    response = get(client, "services", fmt)
    assert response.status_code == 200
    services = read(response, fmt)
    by_code = {s["service_code"]: s for s in services}
    # the parents with active children are groups, not services; an inactive leaf is gone,
    # and a parent whose children are all inactive becomes a service
    assert set(by_code) == {"property-repair", "dispute", "road"}
    assert by_code["road"] == {
        "service_code": "road",
        "service_name": "道路破损",
        "description": "道路、人行道破损",
        "metadata": flat(True) if fmt == "xml" else True,
        "type": "realtime",
        "keywords": "路面,坑洼",
        "group": "道路破损",
    }
    assert by_code["property-repair"]["group"] == "物业服务"
    assert by_code["property-repair"]["metadata"] in (False, "false")
    if fmt == "xml":
        root = ET.fromstring(response.content)
        assert root.tag == "services"
        assert {e.tag for e in root} == {"service"}
        assert "道路破损".encode() in response.content  # UTF-8, not character references


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(world, road, client, fmt):
    response = get(client, "services/road", fmt)
    assert response.status_code == 200
    definition = read(response, fmt)
    assert definition["service_code"] == "road"
    attributes = definition["attributes"]
    assert [a["code"] for a in attributes] == ["size", "hazards", "depth", "seen_at", "safety"]
    assert [flat(a["order"]) for a in attributes] == ["1", "2", "3", "4", "5"]
    size = attributes[0]
    assert flat(size["variable"]) == "true" and flat(size["required"]) == "true"
    assert size["datatype"] == "singlevaluelist"
    assert size["values"] == [
        {"key": "small", "name": "小于1平方米"},
        {"key": "large", "name": "大于1平方米"},
    ]
    assert flat(attributes[4]["variable"]) == "false"
    assert set(size) == {
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    }
    if fmt == "xml":
        root = ET.fromstring(response.content)
        assert root.tag == "service_definition"
        assert [e.tag for e in root] == ["service_code", "attributes"]
        assert {e.tag for e in root.find("attributes")} == {"attribute"}
        assert [e.tag for e in root.find("attributes/attribute/values")] == ["value", "value"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_a_request_look_up_its_token_and_read_it_back(world, road, key, fmt):
    client = Client(enforce_csrf_checks=True)  # the POST needs no CSRF token: api_key it is
    response = post(client, fmt, report(key))
    assert response.status_code == 200, response.content
    [answer] = read(response, fmt)
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    code = answer["service_request_id"]
    assert answer["account_id"] == "acct-7"
    assert "resolved by" in answer["service_notice"]
    if fmt == "xml":
        assert root_tag(response) == "service_requests"
        assert [e.tag for e in ET.fromstring(response.content)] == ["request"]

    case = Case.objects.get(code=code)
    assert case.source == Source.OPEN311
    assert case.status == Status.REPORTED  # staff accept outside reports first
    assert case.reporter_user == world.users["staff"]
    assert case.reporter_name == "张小明" and case.reporter_phone == "13953310000"
    assert case.title == "人行道上有个大坑"
    assert case.category == road and (case.lat, case.lng) == (37.17, 118.28)
    assert case.routed_to == world.orgs["dept"]
    # the attributes and the client's extras are readable by staff, after the description
    assert case.description.startswith("人行道上有个大坑\n晚上看不见，容易摔倒\n\n—— Open311 ——")
    for text in (
        "破损面积 (size): 大于1平方米 [large]",
        "影响 (hazards): 影响车辆 [car]; 影响行人 [walk]",
        "深度（厘米） (depth): 12.5",
        "email: zhang@example.com",
        "device_id: phone-42",
        "account_id: acct-7",
        "media_url: https://img.example.com/hole.jpg",
    ):
        assert text in case.description

    token = get(client, f"tokens/{code}", fmt)
    assert token.status_code == 200
    assert read(token, fmt) == [{"service_request_id": code, "token": code}]

    back = get(client, f"requests/{code}", fmt)
    assert back.status_code == 200
    [request] = read(back, fmt)
    assert list(request) == REQUEST_FIELDS
    assert request["service_request_id"] == code
    assert request["status"] == "open"
    assert request["service_code"] == "road" and request["service_name"] == "道路破损"
    assert request["description"] == "人行道上有个大坑\n晚上看不见，容易摔倒"
    assert request["media_url"] == "https://img.example.com/hole.jpg"
    assert flat(request["lat"]) == "37.17" and flat(request["long"]) == "118.28"
    assert request["requested_datetime"].endswith("+08:00")
    assert request["expected_datetime"].endswith("+08:00")
    assert request["status_notes"].endswith("人行道上有个大坑\n晚上看不见，容易摔倒")
    for private in ("张小明", "13953310000", "zhang@example.com", "phone-42", "acct-7"):
        assert private.encode() not in back.content
    if fmt == "xml":
        root = ET.fromstring(back.content)
        assert root.tag == "service_requests"
        assert [e.tag for e in root] == ["request"]
        assert [e.tag for e in root[0]] == REQUEST_FIELDS
    else:
        assert isinstance(request["service_request_id"], str)

    listed = read(get(client, "requests", fmt), fmt)
    assert [r["service_request_id"] for r in listed] == [code]
