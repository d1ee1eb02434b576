"""The papers: the notice as PDF (rendered to an image and its Chinese checked glyph by glyph)
and as .docx, the certificate, the rectification ledger as .xlsx."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date

import pytest
import time_machine

from community_brain.inspections import documents, notices, rounds
from community_brain.inspections.tests.conftest import PEOPLE, finding_data, round_data

pytestmark = pytest.mark.django_db
TODAY = "2026-11-25 10:00 +0800"


@pytest.fixture
def issued(road):
    with time_machine.travel(TODAY, tick=False):
        round_ = rounds.record_round(
            by=road.inspector,
            project=road.project,
            data=round_data(),
            participants=PEOPLE,
            findings=[
                finding_data("K3+200"),
                finding_data("ZK4+100~ZK4+160", "反光膜粘贴不牢", description="标志反光膜起皮"),
                finding_data("K8+500", "坑槽", description="行车道坑槽一处"),
            ],
        )
        notice = notices.draft_notice(
            by=road.supervisor,
            findings=list(round_.findings.all()),
            requirements="损坏的柱式轮廓标须修复；反光膜粘贴不牢固的须处理牢固。",
            deadline=date(2026, 12, 4),
        )
        return notices.issue(notice, by=road.supervisor)


def _need_font():
    if not documents.chinese_font_installed():
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("no Chinese font installed: run make browser")
        pytest.skip("no Chinese font installed (make browser installs Noto CJK)")


def _glyph_crops(pdf_bytes: bytes, text: str, scale: float = 3.0):
    """Render page 1 and cut out the box of each character of ``text`` as it was laid out."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(pdf_bytes)
    page = pdf[0]
    textpage = page.get_textpage()
    full = textpage.get_text_range()
    spaced = " ".join(text)  # the title is letter-spaced: the text layer has the gaps
    start = full.index(spaced)
    image = page.render(scale=scale).to_pil().convert("L")
    height = page.get_height()
    crops = []
    for i in range(start, start + len(spaced), 2):
        left, bottom, right, top = textpage.get_charbox(i)
        box = (left * scale, (height - top) * scale, right * scale, (height - bottom) * scale)
        crops.append(image.crop(tuple(round(v) for v in box)))
    textpage.close()
    page.close()
    pdf.close()
    return full, crops


def test_the_notice_pdf_renders_its_chinese_as_real_glyphs(issued):
    _need_font()
    pdf = documents.notice_pdf(issued)
    assert pdf.startswith(b"%PDF")
    full, crops = _glyph_crops(pdf, "问题整改通知单")
    # the words are all there, as text (searchable, copyable)…
    for words in ("G233-ZG-2026-001", "第一合同段", "损坏的柱式轮廓标须修复", "ZK4+100"):
        assert words in full
    # …and drawn: each character has ink, and no two look the same (a missing font draws
    # the same empty box for every character, or nothing at all)
    inked = [crop.histogram()[:128] for crop in crops]
    inked = [sum(h) for h in inked]
    assert all(n > 20 for n in inked), inked
    bitmaps = [crop.resize((24, 24)).tobytes() for crop in crops]
    assert len(set(bitmaps)) == len(bitmaps)
    # 整改 appears twice in the sentence "问题整改通知单" only once: 改 ≠ 整 ≠ 知
    assert bitmaps[2] != bitmaps[3]


def test_a_missing_chinese_font_refuses_the_pdf_instead_of_printing_boxes(issued, monkeypatch):
    monkeypatch.setattr(documents, "chinese_font_installed", lambda: False)
    with pytest.raises(documents.NoChineseFont):
        documents.notice_pdf(issued)


def test_the_notice_docx_carries_the_form_in_chinese_with_a_chinese_font(issued):
    data = documents.notice_docx(issued)
    from docx import Document

    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "问题整改通知单" in text and "编号：G233-ZG-2026-001" in text
    assert "G233克黄线大中修工程" in cells and "反光膜粘贴不牢" in cells
    assert "2026年12月04日" in cells
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    assert 'w:eastAsia="宋体"' in styles


def test_the_reply_sheet_follows_once_the_contractor_replied(issued, road):
    with time_machine.travel(TODAY, tick=False):
        notices.acknowledge(issued, by=road.contractor)
        notices.reply(issued, by=road.contractor, text="已全部整改完毕")
    issued.refresh_from_db()
    from docx import Document

    doc = Document(io.BytesIO(documents.notice_docx(issued)))
    assert "问题整改回复单" in "\n".join(p.text for p in doc.paragraphs)
    if documents.chinese_font_installed():
        import pypdfium2

        pdf = pypdfium2.PdfDocument(documents.notice_pdf(issued))
        assert len(pdf) >= 2
        last = pdf[len(pdf) - 1]
        textpage = last.get_textpage()
        assert "问 题 整 改 回 复 单" in textpage.get_text_range()
        textpage.close()
        last.close()
        pdf.close()


def test_making_a_pdf_leaves_photo_checks_strict(issued):
    """WeasyPrint's import turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process; a
    truncated photo must still be refused afterwards (found by the face engine's test)."""
    _need_font()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from community_brain.core.errors import InvalidInput
    from community_brain.core.images import clean_image

    documents.notice_pdf(issued)
    out = io.BytesIO()
    Image.effect_noise((400, 300), 80).convert("RGB").save(out, "JPEG")
    half = SimpleUploadedFile("x.jpg", out.getvalue()[: len(out.getvalue()) // 2])
    with pytest.raises(InvalidInput):
        clean_image(half)
