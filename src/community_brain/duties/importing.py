"""Import of a provincial catalogue snapshot (.xlsx, .csv or .json) through the import
pages (dry run with every bad row named, progress bar, all-or-nothing), then the check
against it at once."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.core.importing import Checked, Column, ImportHandler, RowError, register
from community_brain.duties import permissions
from community_brain.duties.choices import TYPE_NAMES, ItemType
from community_brain.duties.models import CatalogueEntry, CatalogueSnapshot

CODE_MAX = 40


def parse_type(text: str) -> str | None:
    text = (text or "").strip()
    if text in ItemType.values:
        return text
    return TYPE_NAMES.get(text)


@register
class CatalogueImport(ImportHandler):
    kind = "duties.catalogue"
    title = "省级权责清单目录"
    columns = (
        Column("code", "事项编码", "Code", True, "省级目录的编码", "XK00100000"),
        Column("name", "事项名称", "Name", True, "", "食品经营许可"),
        Column("type", "事项类型", "Type", True, "行政许可、行政处罚……公共服务", "行政许可"),
        Column("basis", "设定依据", "Legal basis", False, "法律法规及条款", "《食品安全法》第35条"),
        Column("department", "实施部门", "Department", False, "", "县市场监督管理局"),
    )

    def allowed(self, user) -> bool:
        return permissions.is_office(user)

    def check(self, rows, job, progress) -> Checked:
        errors, plan, seen = [], [], {}
        for n, (number, values) in enumerate(rows, start=1):
            code = values.get("code", "").strip()
            name = values.get("name", "").strip()
            kind = parse_type(values.get("type", ""))
            if not code:
                errors.append(RowError(number, "code", _("Required.")))
            elif len(code) > CODE_MAX:
                errors.append(RowError(number, "code", _("At most %(n)s characters.") % {"n": 40}))
            elif code in seen:
                errors.append(
                    RowError(
                        number,
                        "code",
                        _("The same code as row %(row)s.") % {"row": seen[code]},
                    )
                )
            if not name:
                errors.append(RowError(number, "name", _("Required.")))
            if kind is None:
                errors.append(
                    RowError(
                        number,
                        "type",
                        _("Unknown type “%(t)s”: use one of %(all)s.")
                        % {"t": values.get("type", ""), "all": "、".join(TYPE_NAMES)},
                    )
                )
            seen.setdefault(code, number)
            plan.append(
                {
                    "code": code,
                    "name": name[:300],
                    "type": kind,
                    "basis": values.get("basis", ""),
                    "department_name": values.get("department", "")[:200],
                }
            )
            if n % 500 == 0:
                progress(n)
        return Checked(plan=plan, errors=errors, summary={"items": len(plan)})

    def commit(self, checked: Checked, job) -> dict:
        from community_brain.duties.check import run_check

        snapshot = CatalogueSnapshot.objects.create(
            taken_on=timezone.localdate(),
            source=job.original_name[:200],
            imported_by=job.created_by,
            entry_count=len(checked.plan),
        )
        CatalogueEntry.objects.bulk_create(
            [CatalogueEntry(snapshot=snapshot, **row) for row in checked.plan], batch_size=2000
        )
        run = run_check(snapshot, trigger="import")
        return {
            "items": len(checked.plan),
            "new": run.new_count,
            "cancelled": run.cancelled_count,
            "changed": run.changed_count,
        }
