"""Export the register to .xlsx, with the list page's filters. ID numbers stay masked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from community_brain.accounts.permissions import EXPORT, Kind, access_for
from community_brain.core import audit
from community_brain.core.spreadsheets import download, workbook
from community_brain.places import queries
from community_brain.places.models import Household, Resident, Shop


def _require_export(user, kind):
    if not access_for(user).allows(kind, EXPORT):
        raise PermissionDenied


@login_required
def export_residents(request):
    _require_export(request.user, Kind.PERSONAL)
    qs = (
        Resident.objects.restrict(request.user, EXPORT)
        .select_related("household")
        .prefetch_related("tags")
    )
    qs, applied = queries.resident_filters(qs, request.GET)
    rows = (
        [
            r.household.address if r.household else "",
            r.name,
            r.get_gender_display(),
            r.birth_date,
            r.age,
            r.masked_id_number,
            r.phone,
            r.get_relation_display(),
            r.get_residence_type_display(),
            "、".join(t.name for t in r.tags.all()),
            r.get_status_display(),
        ]
        for r in qs.order_by("household__address", "id").iterator(chunk_size=2000)
    )
    header = [
        "住址",
        "姓名",
        "性别",
        "出生日期",
        "年龄",
        "身份证号（脱敏）",
        "手机号",
        "与户主关系",
        "人口类型",
        "标签",
        "状态",
    ]
    content = workbook("居民", header, rows)
    audit.record(
        "register.export", actor=request.user, summary="residents", data={"filters": applied}
    )
    return download(content, "居民")


@login_required
def export_households(request):
    _require_export(request.user, Kind.PERSONAL)
    qs = Household.objects.restrict(request.user, EXPORT).select_related(
        "building__compound", "head"
    )
    qs, applied = queries.household_filters(qs, request.GET)
    rows = (
        [
            h.code,
            h.building.compound.name,
            h.building.name,
            h.unit,
            h.floor,
            h.room,
            h.head.name if h.head else "",
            h.members.count(),
            h.get_tenure_display(),
            h.get_status_display(),
        ]
        for h in qs.order_by("address").iterator(chunk_size=2000)
    )
    header = ["户号", "小区", "楼栋", "单元", "楼层", "房号", "户主", "人数", "产权", "状态"]
    content = workbook("住户", header, rows)
    audit.record(
        "register.export", actor=request.user, summary="households", data={"filters": applied}
    )
    return download(content, "住户")


@login_required
def export_shops(request):
    _require_export(request.user, Kind.PLACES)
    qs = Shop.objects.restrict(request.user, EXPORT).select_related("compound", "grid")
    qs, applied = queries.shop_filters(qs, request.GET)
    rows = (
        [
            s.name,
            s.get_trade_display(),
            s.licence_number,
            s.contact_name,
            s.contact_phone,
            s.compound.name if s.compound else "",
            s.grid.name if s.grid else "",
            s.address,
            s.lng,
            s.lat,
            s.opened_on,
            s.get_status_display(),
        ]
        for s in qs.order_by("name").iterator(chunk_size=2000)
    )
    header = [
        "名称",
        "行业",
        "统一社会信用代码",
        "联系人",
        "联系电话",
        "小区",
        "网格",
        "地址",
        "经度",
        "纬度",
        "开业日期",
        "状态",
    ]
    content = workbook("商铺", header, rows)
    audit.record("register.export", actor=request.user, summary="shops", data={"filters": applied})
    return download(content, "商铺")
