"""Files served with HTTP range requests (RFC 9110 §14), so a phone can seek in an audio or
video file: ``Accept-Ranges: bytes``; a satisfiable ``Range: bytes=a-b`` answers 206 with
``Content-Range``; an unsatisfiable one answers 416. One range per request (what media
players ask for); a multi-range request gets the whole file."""

from __future__ import annotations

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _span(header: str, size: int) -> tuple[int, int] | bool | None:
    """(first, last) byte, None for no usable range, False for an unsatisfiable one."""
    match = RANGE.match(header.strip())
    if not match or (not match[1] and not match[2]):
        return None
    if not match[1]:  # the last N bytes
        length = int(match[2])
        if length == 0:
            return False
        return max(0, size - length), size - 1
    first = int(match[1])
    last = int(match[2]) if match[2] else size - 1
    if first >= size or last < first:
        return False
    return first, min(last, size - 1)


def _read(handle, first: int, length: int):
    handle.seek(first)
    left = length
    try:
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()


def serve(request, field_file, content_type: str, *, cache: str = "public, max-age=86400"):
    """A response with the file, or the part of it the ``Range`` header asks for."""
    size = field_file.size
    header = request.headers.get("Range", "")
    span = _span(header, size) if header else None
    if span is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif span is None:
        response = FileResponse(field_file.open("rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        first, last = span
        length = last - first + 1
        response = StreamingHttpResponse(
            _read(field_file.open("rb"), first, length), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    return response
