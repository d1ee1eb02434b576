"""The ledger as an .xlsx workbook, with the page's filters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import EXPORT, Kind
from community_brain.cases import queries
from community_brain.cases.models import Case
from community_brain.core import audit
from community_brain.core.spreadsheets import download, workbook

HEADER = [
    "事项编号",
    "标题",
    "分类",
    "来源",
    "类型",
    "优先级",
    "状态",
    "小区",
    "地点",
    "责任单位",
    "上报时间",
    "办理期限",
    "办结时间",
    "按时办结",
    "结果",
    "满意度",
    "超期",
    "转办退单次数",
    "重办次数",
]


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _yes(value):
    return "" if value is None else ("是" if value else "否")


@login_required
def export_ledger(request):
    if not access_for(request.user).allows(Kind.CASES, EXPORT):
        raise PermissionDenied
    qs = Case.objects.restrict(request.user, EXPORT).select_related(
        "category__parent", "compound", "organisation", "household"
    )
    qs, applied = queries.ledger(qs, request.GET)
    rows = (
        [
            c.code,
            c.title,
            str(c.category),
            c.get_source_display(),
            c.get_request_type_display(),
            c.get_priority_display(),
            c.get_status_display(),
            c.compound.name if c.compound else "",
            c.place_label,
            c.organisation.name if c.organisation else "",
            _local(c.reported_at),
            _local(c.resolve_by),
            _local(c.closed_at or c.resolved_at),
            _yes(c.resolved_on_time),
            c.get_resolution_display(),
            c.get_rating_display(),
            _yes(c.is_overdue),
            c.bounce_count,
            c.reopen_count,
        ]
        for c in qs.iterator(chunk_size=2000)
    )
    content = workbook("事项台账", HEADER, rows)
    audit.record("cases.export", actor=request.user, summary="ledger", data={"filters": applied})
    return download(content, "事项台账")
