"""Rendering of the Open311 GeoReport v2 shapes, in JSON and in XML.

JSON follows the spec's "Spark convention": a collection is a top-level array, an object is
an object; ids and codes are strings, missing values are ``null``. XML has no namespace, is
declared ``encoding="UTF-8"``, and names its elements as the spec does (``<services>``/
``<service>``, ``<service_requests>``/``<request>``, ``<service_definition>``, ``<discovery>``,
``<errors>``/``<error>``); a missing value is an empty element, a list nests its items under
a singular element (``<values><value>…``, ``<formats><format>…``).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("json", "xml")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# What an element of a list is called in XML, by the name of the list.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}

# Characters XML 1.0 cannot carry, even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def w3c(value: datetime | None) -> str | None:
    """A W3C (ISO 8601) datetime with the time zone's offset, e.g. 2026-05-01T09:30:00+08:00."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


@dataclass
class Error:
    """One error of the spec's error body. ``code`` is the HTTP status it stands for."""

    code: int
    description: str


class Open311Error(Exception):
    """One or more errors; the response's HTTP status is the gravest of their codes
    (403 before 404 before 400)."""

    def __init__(self, errors: list[Error]):
        super().__init__("; ".join(e.description for e in errors))
        self.errors = errors

    @property
    def status(self) -> int:
        codes = {e.code for e in self.errors}
        for code in (403, 404, 405, 400):
            if code in codes:
                return code
        return max(codes)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value) or ""
    return _XML_ILLEGAL.sub("", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item_name = ITEM_NAMES.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item_name), child)
    else:
        element.text = _text(value)


def to_xml(root_name: str, value) -> bytes:
    root = ET.Element(root_name)
    _fill(root, value)
    return (XML_DECLARATION + ET.tostring(root, encoding="unicode")).encode("utf-8")


def _json_default(value):
    if isinstance(value, datetime):
        return w3c(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=_json_default).encode("utf-8")


def respond(fmt: str, root_name: str, value, *, status: int = 200) -> HttpResponse:
    """The answer in the requested format; ``root_name`` is the XML root element (JSON has
    none: a list stays a top-level array)."""
    body = to_json(value) if fmt == "json" else to_xml(root_name, value)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, errs: list[Error], *, status: int | None = None) -> HttpResponse:
    status = status or Open311Error(errs).status
    rows = [{"code": e.code, "description": e.description} for e in errs]
    return respond(fmt if fmt in FORMATS else "xml", "errors", rows, status=status)
