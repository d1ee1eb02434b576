"""The pieces under the answers: XML and JSON shapes, datetimes, the error status, the
private tail of a description."""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from community_brain.cases.open311 import mapping, render
from community_brain.cases.open311.render import Error, Open311Error


def test_xml_lists_nest_singular_items_and_drop_illegal_characters():
    body = render.to_xml(
        "service_requests",
        [{"service_request_id": "QC-1", "lat": None, "ok": True, "text": "a\x00b<c>&中"}],
    )
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<service_requests>')
    root = ET.fromstring(body)
    request = root.find("request")
    assert request.findtext("service_request_id") == "QC-1"
    assert request.findtext("lat") == "" and request.findtext("ok") == "true"
    assert request.findtext("text") == "ab<c>&中"
    assert "中".encode() in body


def test_json_keeps_arrays_at_the_top_and_utf8():
    assert json.loads(render.to_json([{"a": "中"}])) == [{"a": "中"}]
    assert "中".encode() in render.to_json([{"a": "中"}])


def test_datetimes_carry_the_offset():
    assert render.w3c(datetime(2026, 5, 1, 1, 30, tzinfo=UTC)) == "2026-05-01T09:30:00+08:00"
    assert render.w3c(None) is None


def test_the_gravest_error_sets_the_status():
    assert Open311Error([Error(400, "a"), Error(404, "b")]).status == 404
    assert Open311Error([Error(400, "a"), Error(404, "b"), Error(403, "c")]).status == 403
    assert Open311Error([Error(400, "a")]).status == 400
    response = render.errors("json", [Error(400, "a"), Error(403, "b")])
    assert response.status_code == 403
    assert json.loads(response.content) == [
        {"code": 400, "description": "a"},
        {"code": 403, "description": "b"},
    ]


def test_the_private_tail_is_cut_even_when_cut_short():
    text = "路面塌陷" + mapping.PRIVATE_MARKER + "email: a@example.com"
    assert mapping.cut_private(text) == "路面塌陷"
    for size in range(1, len(mapping.PRIVATE_MARKER) + 5):
        assert mapping.cut_private(text[: len("路面塌陷") + size]) == "路面塌陷"
    assert mapping.cut_private("没有尾巴") == "没有尾巴"


def test_a_long_description_keeps_the_extras():
    text = mapping._with_extras("字" * 4000, ["- 面积 (size): 小 [small]"], ["email: a@b.cn"])
    assert len(text) <= mapping.MAX_DESCRIPTION
    assert text.endswith("(description shortened from 4000 characters)")
    assert "email: a@b.cn" in text and "面积 (size)" in text
    assert mapping._with_extras("短", [], []) == "短"


def test_masking_and_coarse_addresses():
    assert mapping.mask_numbers("电话13953310000，座机0533-6123456") == (
        "电话139****0000，座机053****3456"
    )
    assert mapping.coarse_address("东风路88号3单元502室") == "东风路88号"
    assert mapping.coarse_address("北二路东段") == "北二路东段"
    assert mapping.coarse_address("Main St 5, Flat 3") == "Main St 5"
