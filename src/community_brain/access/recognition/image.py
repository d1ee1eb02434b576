"""Photo bytes → an upright RGB picture, validated with Pillow before anything is decoded:
the file size, the format (JPEG or PNG) and the pixel count are checked from the header, so a
huge or hostile upload is refused without being expanded in memory."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ImageRejected, Reason


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000
    formats: frozenset[str] = frozenset({"JPEG", "PNG"})


def decode_image(data: bytes, limits: ImageLimits | None = None) -> Image.Image:
    """The photo in ``data`` as an RGB image, turned upright by its EXIF orientation."""
    limits = limits or ImageLimits()
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ImageRejected(Reason.NOT_AN_IMAGE, f"expected image bytes, got {type(data).__name__}")
    if len(data) == 0:
        raise ImageRejected(Reason.NOT_AN_IMAGE, "the file is empty")
    if len(data) > limits.max_bytes:
        raise ImageRejected(
            Reason.FILE_TOO_LARGE,
            f"the file is {_size(len(data))}; at most {_size(limits.max_bytes)}",
        )
    try:
        with warnings.catch_warnings():
            # Our own pixel limit below is stricter than Pillow's bomb warning.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ImageRejected(Reason.TOO_MANY_PIXELS, f"the picture is far too large: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise ImageRejected(
            Reason.NOT_AN_IMAGE, "the file is not a picture Pillow can read"
        ) from exc
    if image.format not in limits.formats:
        allowed = " or ".join(sorted(limits.formats))
        raise ImageRejected(
            Reason.UNSUPPORTED_FORMAT, f"the picture is {image.format}; send {allowed}"
        )
    width, height = image.size
    if width * height > limits.max_pixels:
        raise ImageRejected(
            Reason.TOO_MANY_PIXELS,
            f"the picture is {width}×{height} ({width * height / 1e6:.0f} MP); "
            f"at most {limits.max_pixels / 1e6:.0f} MP",
        )
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
        return image.convert("RGB")
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageRejected(
            Reason.NOT_AN_IMAGE, f"the {image.format} file is damaged or truncated"
        ) from exc


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{n / 1e3:.0f} kB"
