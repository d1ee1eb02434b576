"""Fixtures of the Open311 tests: the case setup, a service with attributes, an api_key, and
a reader that turns either format into the same Python shapes."""

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest

from community_brain.accounts.services import issue_api_token
from community_brain.testing import make_case_setup

BASE = "/open311/v2"
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
XML_LISTS = {
    "services",
    "service_requests",
    "errors",
    "endpoints",
    "formats",
    "attributes",
    "values",
}

ROAD_ATTRIBUTES = [
    {
        "code": "size",
        "datatype": "singlevaluelist",
        "required": True,
        "description": "破损面积",
        "values": [
            {"key": "small", "name": "小于1平方米"},
            {"key": "large", "name": "大于1平方米"},
        ],
    },
    {
        "code": "hazards",
        "datatype": "multivaluelist",
        "description": "影响",
        "values": [{"key": "car", "name": "影响车辆"}, {"key": "walk", "name": "影响行人"}],
    },
    {"code": "depth", "datatype": "number", "description": "深度（厘米）"},
    {"code": "seen_at", "datatype": "datetime", "description": "发现时间"},
    {"code": "safety", "datatype": "text", "variable": False, "description": "请注意安全"},
]


@pytest.fixture
def cats(world):
    return make_case_setup(world)


@pytest.fixture
def road(cats):
    """The road service, with a definition (attributes) and keywords."""
    road = cats["road"]
    road.description = "道路、人行道破损"
    road.keywords = "路面,坑洼"
    road.attributes = ROAD_ATTRIBUTES
    road.save()
    return road


@pytest.fixture
def key(world):
    """An api_key: an API token of the community's staff account."""
    return issue_api_token(by=None, user=world.users["staff"])


def xml_to_py(element):
    if element.tag in XML_LISTS:
        return [xml_to_py(child) for child in element]
    if len(element):
        return {child.tag: xml_to_py(child) for child in element}
    return element.text or ""


def read(response, fmt):
    """The body as Python: JSON as it is, XML through ElementTree (list elements become lists,
    leaves strings)."""
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    if fmt == "json":
        return response.json()
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return xml_to_py(ET.fromstring(response.content))


def root_tag(response) -> str:
    return ET.fromstring(response.content).tag


def flat(value):
    """A JSON value as the XML reader shows it (for comparing both formats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def errors_of(response, fmt) -> list[tuple[int, str]]:
    body = read(response, fmt)
    if fmt == "xml":
        assert root_tag(response) == "errors"
    return [(int(e["code"]), e["description"]) for e in body]


def post(client, fmt, data, *, multipart=False, **extra):
    """POST requests, form-encoded as the spec says (or multipart)."""
    if multipart:
        return client.post(f"{BASE}/requests.{fmt}", data, **extra)
    return client.post(
        f"{BASE}/requests.{fmt}",
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded; charset=utf-8",
        **extra,
    )


def get(client, path, fmt, params=None):
    return client.get(f"{BASE}/{path}.{fmt}", params or {})
