"""QR codes rendered on the server as inline SVG (segno, pure Python): nothing is fetched
from elsewhere at run time, and the page needs no script to show them."""

from __future__ import annotations

import io

import segno
from django.utils.safestring import SafeString, mark_safe


def svg(text: str, *, scale: int = 4, title: str = "") -> SafeString:
    """An ``<svg>`` element of the QR code of ``text`` (error correction M)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(
        out,
        kind="svg",
        scale=scale,
        xmldecl=False,
        svgns=True,
        title=str(title) or None,
        border=2,
        encoding="utf-8",
    )
    return mark_safe(out.getvalue().decode())  # segno escapes the title; the rest is its own markup
