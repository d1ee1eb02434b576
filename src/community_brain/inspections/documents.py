"""The papers: the rectification notice (with its reply sheet once replied) and the
termination certificate as .docx and PDF, and the rectification ledger as .xlsx.

The papers are in Chinese whatever the page's language: they are the office's documents.
The PDF is typeset by WeasyPrint from an HTML form with the machine's Chinese serif font
embedded (``make browser`` installs Noto CJK); without a Chinese font the PDF is refused
with ``NoChineseFont`` rather than printed as empty boxes. The .docx names 宋体 for its
East Asian text, which Word and WPS have.
"""

from __future__ import annotations

import functools
import io
import logging
import shutil
import subprocess
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

PAPER = Path(__file__).parent / "templates" / "inspections" / "paper"
DOCX_FONT = "宋体"
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # a line per step


class NoChineseFont(RuntimeError):
    """No font with Chinese glyphs is installed: the PDF would show empty boxes."""


@functools.cache
def chinese_font_installed() -> bool:
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20
    ).stdout
    return bool(out.strip())


def _who(user) -> str:
    return (getattr(user, "display_name", "") or str(user)) if user else ""


def notice_context(notice) -> dict:
    findings = list(
        notice.findings.select_related("category", "defect_type", "severity", "round").order_by(
            "number"
        )
    )
    rounds = sorted({f.round for f in findings}, key=lambda r: r.inspected_on)
    last_check = notice.events.filter(kind__in=["closed", "sent_back"]).last()
    units = []
    for round_ in rounds:
        units += [u.short_name or u.name for u in round_.units.all() if u.name not in units]
    return {
        "notice": notice,
        "findings": findings,
        "inspected": "、".join(f"{r.inspected_on:%Y年%-m月%-d日}" for r in rounds),
        "units": "、".join(dict.fromkeys(units)) or notice.issuer.name,
        "signer": _who(notice.signed_by),
        "acknowledger": _who(notice.acknowledged_by),
        "replier": _who(notice.replied_by),
        "opinion": last_check.text if last_check else "",
        "rechecker": _who(last_check.by) if last_check else "",
    }


def _html(template: str, context: dict) -> str:
    with translation.override("zh-hans"):
        css = (PAPER / "paper.css").read_text(encoding="utf-8")
        return render_to_string(f"inspections/paper/{template}", {**context, "css": css})


def _pdf(html: str) -> bytes:
    if not chinese_font_installed():
        raise NoChineseFont("no Chinese font: install fonts-noto-cjk (make browser)")
    return _weasyprint()(string=html).write_pdf()


def _weasyprint():
    """WeasyPrint's HTML class. Importing WeasyPrint turns on Pillow's process-wide
    LOAD_TRUNCATED_IMAGES, which would let every photo check in the process accept a
    truncated upload; the flag is put back as it was."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def notice_pdf(notice) -> bytes:
    return _pdf(_html("notice.html", notice_context(notice)))


def certificate_context(certificate) -> dict:
    return {
        "c": certificate,
        "s": certificate.section,
        "signer": _who(certificate.issued_by),
        "deposit": f"{certificate.deposit:,.2f}",
        "deducted": f"{certificate.deducted:,.2f}",
        "released": f"{certificate.released:,.2f}",
    }


def certificate_pdf(certificate) -> bytes:
    return _pdf(_html("certificate.html", certificate_context(certificate)))


# --- .docx ----------------------------------------------------------------------------------
def _docx():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = DOCX_FONT
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), DOCX_FONT)
    return doc


def _title(doc, text: str, number: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(text)
    run.bold, run.font.size = True, Pt(20)
    line = doc.add_paragraph(f"编号：{number}")
    line.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _rows(doc, rows: list[tuple[str, str]]):
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].width = cells[0].width  # keep Word's default split
    return table


def _grid(doc, header: list[str], rows: list[list[str]]):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    return table


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def notice_docx(notice) -> bytes:
    ctx = notice_context(notice)
    section = notice.section
    doc = _docx()
    _title(doc, "问题整改通知单", notice.number)
    _rows(
        doc,
        [
            ("项目名称", notice.project.name),
            ("合同段", f"{section.name}（{section.stakes}）"),
            ("致", section.contractor.name),
            ("检查时间", ctx["inspected"] or "—"),
            ("检查单位", ctx["units"]),
        ],
    )
    doc.add_paragraph("经检查，你单位施工的上述合同段在缺陷责任期内存在下列问题：")
    _grid(
        doc,
        ["序号", "问题编号", "位置桩号", "问题描述", "严重程度"],
        [
            [
                str(i),
                f.number,
                f"{f.stakes} {f.side_zh}".strip(),
                f"{f.category.name}：{f.defect_type.name}。{f.description}",
                f.severity.name,
            ]
            for i, f in enumerate(ctx["findings"], 1)
        ],
    )
    issued = f"{notice.issued_at:%Y年%m月%d日}" if notice.issued_at else "　　年　　月　　日"
    acknowledged = (
        f"{notice.acknowledged_at:%Y年%m月%d日}" if notice.acknowledged_at else "　　年　　月　　日"
    )
    _rows(
        doc,
        [
            (
                "整改要求",
                f"{notice.requirements}\n请于 {notice.deadline:%Y年%m月%d日} 前整改完毕，"
                "并将整改情况书面回复（附整改前后照片）。",
            ),
            ("签发", f"签发单位：{notice.issuer.name}\n签发人：{ctx['signer']}　　{issued}"),
            (
                "签收",
                f"施工单位：{section.contractor.name}\n"
                f"签收人：{ctx['acknowledger']}　　{acknowledged}",
            ),
        ],
    )
    doc.add_paragraph("本通知单一式三份：业主、总监办、施工单位各一份。")
    if notice.replied_at:
        doc.add_page_break()
        _title(doc, "问题整改回复单", notice.number)
        _grid(
            doc,
            ["序号", "问题编号", "位置桩号", "整改措施", "完成日期", "复查结论"],
            [
                [
                    str(i),
                    f.number,
                    f.stakes,
                    f.measures or "—",
                    f"{f.completed_on:%Y-%m-%d}" if f.completed_on else "—",
                    {"closed": "合格，已销号", "replied": "待复查"}.get(
                        f.status, "不合格，继续整改"
                    ),
                ]
                for i, f in enumerate(ctx["findings"], 1)
            ],
        )
        _rows(
            doc,
            [
                ("整改情况", notice.reply),
                ("复查意见", f"{ctx['opinion']}\n复查人：{ctx['rechecker']}"),
            ],
        )
    return _save(doc)


def certificate_docx(certificate) -> bytes:
    ctx = certificate_context(certificate)
    section = certificate.section
    doc = _docx()
    _title(doc, "缺陷责任期终止证书", certificate.number)
    _rows(
        doc,
        [
            ("项目名称", section.project.name),
            ("工程范围", f"{section.name}，{section.project.route_code} {section.stakes}"),
            ("发包人", section.project.owner.name),
            ("承包人", section.contractor.name),
            ("交工日期", f"{section.handover_date:%Y年%m月%d日}"),
            ("缺陷责任期终止日期", f"{certificate.period_ended:%Y年%m月%d日}"),
        ],
    )
    doc.add_paragraph(
        f"上述工程的缺陷责任期已满。缺陷责任期内共发现缺陷 {certificate.findings_total} 处，"
        "均已整改完毕并经复查销号。特发此证书。"
    )
    _grid(
        doc,
        ["质量保证金（元）", "已扣除（元）", "应返还（元）"],
        [[ctx["deposit"], ctx["deducted"], ctx["released"]]],
    )
    _rows(
        doc,
        [
            ("审核单位", f"{certificate.issuer.name}\n签发人：{ctx['signer']}"),
            ("签发日期", f"{certificate.issued_on:%Y年%m月%d日}"),
        ],
    )
    return _save(doc)


# --- the rectification ledger ---------------------------------------------------------------
LEDGER_HEADER = [
    "序号",
    "问题编号",
    "检查日期",
    "合同段",
    "设施类别",
    "桩号（起–止）",
    "幅别",
    "问题描述",
    "严重程度",
    "照片（张）",
    "通知单号",
    "责任单位",
    "整改期限",
    "整改措施",
    "完成日期",
    "复查人",
    "复查结论",
    "状态",
    "扣款金额（元）",
    "案件编号",
]


def ledger_rows(findings, today) -> list[list]:
    from community_brain.inspections.choices import FindingStatus

    labels = {
        "open": "待整改",
        "notified": "待整改",
        "rectifying": "整改中",
        "replied": "待复查",
        "closed": "已销号",
    }
    rows = []
    for i, f in enumerate(findings, 1):
        status = labels[f.status]
        if f.is_overdue(today):
            status = "逾期"
        deduction = getattr(f, "deduction", None) if f.closed_by == "others" else None
        rows.append(
            [
                i,
                f.number,
                f.round.inspected_on,
                f.section.name,
                f.category.name,
                f.stakes,
                f.side_zh or "全幅",
                f"{f.defect_type.name}。{f.description}",
                f.severity.name,
                f.photo_count,
                f.notice.number if f.notice and f.notice.status != "draft" else "",
                f.section.contractor.name,
                f.deadline,
                f.measures,
                f.completed_on,
                _who(f.rechecked_by),
                f.recheck_opinion
                or ("合格" if f.status == FindingStatus.CLOSED and f.closed_by != "others" else ""),
                status,
                float(deduction.amount) if deduction else None,
                f.case.code,
            ]
        )
    return rows
