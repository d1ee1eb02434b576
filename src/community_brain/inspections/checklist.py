"""The standard checklist of highway defect-period inspection: facility categories, what to
check in each, the defect types with their usual severity and the wording of the
requirement, and the severity scale with the working days each allows.

Drawn from the road-maintenance practice summarised in
``shared/reference/responsibility-lists-and-defect-inspection.md`` (B2). ``ensure()`` loads
what is missing and changes nothing an office has edited; ``brain inspection_checklist``
runs it. Each category gets its case-ledger category under 公路缺陷.
"""

from __future__ import annotations

from django.db import transaction

SEVERITIES = [
    # code, name, rank, working days to rectify
    ("minor", "一般", 1, 15),
    ("major", "较重", 2, 7),
    ("severe", "严重", 3, 3),
]

# category code, name, [(item, what to check, [(defect type, usual severity, requirement)])]
CATEGORIES = [
    (
        "structures",
        "构造物（桥涵）",
        [
            (
                "桥梁",
                "伸缩缝、支座、桥面铺装、栏杆、泄水管",
                [
                    ("伸缩缝堵塞或损坏", "major", "清理伸缩缝杂物，更换损坏的止水带"),
                    ("桥面铺装裂缝", "minor", "裂缝灌缝处理"),
                    ("栏杆损坏", "major", "修复或更换损坏的栏杆"),
                    ("支座脱空或变形", "severe", "检测并更换损坏支座"),
                ],
            ),
            (
                "涵洞",
                "洞口、洞身、进出水口",
                [
                    ("涵洞淤塞", "minor", "清淤，保持过水通畅"),
                    ("洞身裂缝或渗水", "major", "封闭裂缝，处理渗水"),
                ],
            ),
        ],
    ),
    (
        "drainage",
        "排水设施",
        [
            (
                "边沟、排水沟",
                "边沟、排水沟、截水沟、急流槽、泄水孔",
                [
                    ("排水沟淤塞", "minor", "清理淤积，保证排水畅通"),
                    ("沟身破损或沉陷", "major", "修复破损沟身"),
                    ("急流槽冲刷", "major", "修复冲刷部位并加固"),
                ],
            ),
        ],
    ),
    (
        "safety",
        "交通安全设施",
        [
            (
                "波形梁护栏",
                "结构损坏变形；立柱与横梁紧固；污秽、油漆；护栏及反光膜缺损",
                [
                    ("护栏板变形或损坏", "major", "更换变形、损坏的护栏板"),
                    ("螺栓松动或缺失", "minor", "补齐并紧固螺栓"),
                    ("护栏反光膜缺损", "minor", "补贴反光膜"),
                ],
            ),
            (
                "柱式轮廓标",
                "缺失、倾斜、反射器脱落或污秽、间距",
                [
                    ("轮廓标损坏", "minor", "损坏的柱式轮廓标须修复"),
                    ("轮廓标缺失", "major", "按设计位置补设轮廓标"),
                    ("轮廓标倾斜", "minor", "扶正并固定"),
                ],
            ),
        ],
    ),
    (
        "signs",
        "标志标线",
        [
            (
                "交通标志",
                "遮挡；牌面、支柱变形、损坏、污秽、腐蚀；反光膜破损、剥落；基础下沉；缺失",
                [
                    ("反光膜粘贴不牢", "minor", "反光膜粘贴不牢固的须处理牢固"),
                    ("标志牌面损坏", "major", "修复或更换牌面"),
                    ("标志被遮挡", "minor", "清除遮挡的树木、广告"),
                    ("标志缺失", "severe", "按设计恢复标志"),
                ],
            ),
            (
                "标线",
                "磨损、脱落、逆反射不足、污染",
                [
                    ("标线磨损脱落", "minor", "重新施划标线"),
                    ("标线逆反射不足", "minor", "按规范重新施划"),
                ],
            ),
        ],
    ),
    (
        "pavement",
        "路面",
        [
            (
                "沥青路面",
                "裂缝、坑槽、车辙、沉陷、拥包、泛油",
                [
                    ("裂缝", "minor", "灌缝处理"),
                    ("坑槽", "severe", "挖补修复坑槽"),
                    ("车辙或沉陷", "major", "铣刨重铺"),
                ],
            ),
        ],
    ),
]

PARENT_CODE = "highway-defects"


@transaction.atomic
def ensure() -> dict:
    """Load whatever of the standard checklist is missing. Returns the counts created."""
    from community_brain.cases.models import Category
    from community_brain.inspections.models import (
        CheckItem,
        DefectType,
        FacilityCategory,
        Severity,
    )

    created = {"severities": 0, "categories": 0, "items": 0, "defect_types": 0}
    severities = {}
    for code, name, rank, days in SEVERITIES:
        severities[code], new = Severity.objects.get_or_create(
            code=code, defaults={"name": name, "rank": rank, "workdays": days}
        )
        created["severities"] += new
    parent, _new = Category.objects.get_or_create(
        code=PARENT_CODE,
        defaults={
            "name": "公路缺陷",
            "description": "缺陷责任期巡查发现的问题，由施工单位在整改期限内整改。",
            "respond_hours": 24,
            "resolve_workdays": 15,
            "order": 90,
            "for_public": False,
        },
    )
    for order, (code, name, items) in enumerate(CATEGORIES):
        case_category, _new = Category.objects.get_or_create(
            code=f"highway-{code}",
            defaults={
                "name": name,
                "parent": parent,
                "respond_hours": 24,
                "resolve_workdays": 15,
                "order": order,
                "for_public": False,
            },
        )
        category, new = FacilityCategory.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "case_category": case_category}
        )
        created["categories"] += new
        for i, (item_name, checks, defects) in enumerate(items):
            item, new = CheckItem.objects.get_or_create(
                category=category, name=item_name, defaults={"checks": checks, "order": i}
            )
            created["items"] += new
            for defect, severity, requirement in defects:
                _d, new = DefectType.objects.get_or_create(
                    item=item,
                    name=defect,
                    defaults={
                        "default_severity": severities[severity],
                        "requirement": requirement,
                    },
                )
                created["defect_types"] += new
    return created
