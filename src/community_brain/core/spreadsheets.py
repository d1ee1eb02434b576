"""Writing .xlsx downloads: a bold header row, streamed rows, a dated Chinese file name."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from community_brain.core.downloads import attachment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(title: str, header: list[str], rows) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    bold = Font(bold=True)
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(content: bytes, stem: str) -> HttpResponse:
    return attachment(content, f"{stem}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
