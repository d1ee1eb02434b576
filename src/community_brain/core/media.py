"""Uploaded audio and video: the type is read from the file's first bytes, never from its
name or the browser's word, and the size is limited. Images go through ``core.images``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from community_brain.core.errors import InvalidInput

MB = 1024 * 1024
MAX_BYTES = {"audio": 30 * MB, "video": 200 * MB}
M4A_BRANDS = {b"M4A ", b"M4B ", b"F4A "}


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "audio" or "video"
    content_type: str
    extension: str


def sniff(head: bytes) -> Sniffed | None:
    """What the first bytes of a file say it is (MP3, AAC, M4A, Ogg, WAV, MP4, WebM)."""
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return Sniffed("audio", "audio/mpeg", "mp3")
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return Sniffed("audio", "audio/aac", "aac")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio", "audio/wav", "wav")
    if head[:4] == b"OggS":
        return Sniffed("audio", "audio/ogg", "ogg")
    if head[4:8] == b"ftyp":
        if head[8:12] in M4A_BRANDS:
            return Sniffed("audio", "audio/mp4", "m4a")
        return Sniffed("video", "video/mp4", "mp4")
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return Sniffed("video", "video/webm", "webm")
    return None


def clean_media(upload, *, kind: str, field: str = "file") -> Sniffed:
    """Check an upload is a real ``kind`` ("audio"/"video") file within the size limit."""
    limit = MAX_BYTES[kind]
    if (upload.size or 0) > limit:
        raise InvalidInput.single(
            field, _("The file may be at most %(mb)s MB.") % {"mb": limit // MB}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None or found.kind != kind:
        message = {
            "audio": _("This file is not audio (MP3, M4A, AAC, Ogg or WAV)."),
            "video": _("This file is not a video (MP4 or WebM)."),
        }[kind]
        raise InvalidInput.single(field, message)
    return found
