"""File downloads with Chinese names: ``attachment`` sets the RFC 6266 ``filename*`` so that
browsers save 整改台账.xlsx, not a percent-encoded mess."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
