"""Uploaded photos: validated (a real image of an allowed format, within the size limits),
re-encoded without EXIF so that no location or camera data leaks, unless the caller keeps
the location on purpose."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from community_brain.core.errors import InvalidInput

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2560
MAX_PIXELS = 40_000_000


@dataclass
class CleanImage:
    file: ContentFile
    width: int
    height: int
    lat: float | None = None
    lng: float | None = None


def _gps(exif) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(0x8825)
    except Exception:
        return None, None
    if not gps or 2 not in gps or 4 not in gps:
        return None, None

    def degrees(value, ref) -> float:
        d, m, s = (float(v) for v in value)
        out = d + m / 60 + s / 3600
        return -out if ref in ("S", "W") else out

    try:
        return degrees(gps[2], gps.get(1, "N")), degrees(gps[4], gps.get(3, "E"))
    except (TypeError, ValueError, ZeroDivisionError):
        return None, None


def clean_image(upload, *, field: str = "photos", keep_location: bool = False) -> CleanImage:
    """Validate and re-encode an uploaded image; raise InvalidInput naming the field."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise InvalidInput.single(
            field, _("A photo may be at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise InvalidInput.single(
            field, _("A photo may be at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        probe = Image.open(io.BytesIO(data))
        probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise InvalidInput.single(field, _("The photo has too many pixels."))
        fmt = image.format
        lat, lng = _gps(image.getexif()) if keep_location else (None, None)
        image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise InvalidInput.single(
            field, _("This file is not a photo (JPEG, PNG or WebP).")
        ) from None
    if fmt not in ALLOWED_FORMATS:
        raise InvalidInput.single(field, _("This file is not a photo (JPEG, PNG or WebP)."))
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    else:
        image.save(out, fmt)  # a fresh save writes no EXIF
    name = f"photo.{ALLOWED_FORMATS[fmt]}"
    return CleanImage(ContentFile(out.getvalue(), name=name), image.width, image.height, lat, lng)
