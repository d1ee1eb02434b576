"""Range requests: 200 with Accept-Ranges, 206 with Content-Range for a part, 416 beyond."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory

from community_brain.core import ranges
from community_brain.core.media import sniff

DATA = bytes(range(256)) * 4  # 1024 bytes


class _Stored:
    def __init__(self, name):
        self.name, self.size = name, default_storage.size(name)

    def open(self, mode="rb"):
        return default_storage.open(self.name, mode)


@pytest.fixture
def stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return _Stored(default_storage.save("a.bin", ContentFile(DATA)))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("header", "status", "content_range", "part"),
    [
        ("", 200, None, DATA),
        ("bytes=0-99", 206, "bytes 0-99/1024", DATA[:100]),
        ("bytes=1000-", 206, "bytes 1000-1023/1024", DATA[1000:]),
        ("bytes=-24", 206, "bytes 1000-1023/1024", DATA[1000:]),
        ("bytes=1000-5000", 206, "bytes 1000-1023/1024", DATA[1000:]),
        ("bytes=2000-", 416, "bytes */1024", None),
        ("items=0-1", 200, None, DATA),
    ],
)
def test_ranges(stored, header, status, content_range, part):
    extra = {"HTTP_RANGE": header} if header else {}
    response = ranges.serve(RequestFactory().get("/", **extra), stored, "audio/mpeg")
    assert response.status_code == status
    assert response["Accept-Ranges"] == "bytes"
    assert response.get("Content-Range") == content_range
    if part is not None:
        assert body(response) == part
        assert response["Content-Length"] == str(len(part))


@pytest.mark.parametrize(
    ("head", "kind", "extension"),
    [
        (b"ID3\x04\x00" + b"\x00" * 11, "audio", "mp3"),
        (b"\xff\xfb\x90\x00" + b"\x00" * 12, "audio", "mp3"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00", "audio", "m4a"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00", "video", "mp4"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 12, "video", "webm"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio", "wav"),
    ],
)
def test_sniffing(head, kind, extension):
    found = sniff(head)
    assert (found.kind, found.extension) == (kind, extension)


def test_sniffing_refuses_other_files():
    assert sniff(b"<html><script>") is None
    assert sniff(b"%PDF-1.7") is None
