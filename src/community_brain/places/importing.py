"""Import handlers for the register: residents (with their households), households, shops.

Rows are checked with the same forms as the pages and the API. Names of choices may be given
in Chinese or English (男/女, 户主/配偶, …); compounds by name or code; buildings by number
(3) or name (3号楼).
"""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from community_brain.accounts.permissions import IMPORT, Kind, access_for
from community_brain.core import audit
from community_brain.core.importing import Checked, Column, ImportHandler, RowError, register
from community_brain.places import choices
from community_brain.places.forms import ResidentForm, ShopForm
from community_brain.places.models import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    Residency,
    Resident,
    ResidentTag,
    Shop,
)
from community_brain.places.services import household_code


def choice_lookup(enum) -> dict[str, str]:
    """Every way a value may be written — code, Chinese label, English label — to the code."""
    table = {}
    for value, label in enum.choices:
        table[value.lower()] = value
        for lang in ("zh-hans", "en"):
            with override(lang):
                text = str(label)
            table[text.lower()] = value
            table[re.sub(r"\s*\(.*\)$", "", text).lower()] = value  # without the gloss
    return table


EXTRA_ALIASES = {
    "gender": {"男": "M", "女": "F", "男性": "M", "女性": "F"},
    "relation": {
        "户主": "head",
        "配偶": "spouse",
        "子女": "child",
        "父母": "parent",
        "祖父母": "grandparent",
        "外祖父母": "grandparent",
        "孙子女": "grandchild",
        "兄弟姐妹": "sibling",
        "儿媳/女婿": "child_in_law",
        "其他": "other",
        "本人": "head",
        "妻": "spouse",
        "夫": "spouse",
        "妻子": "spouse",
        "丈夫": "spouse",
        "儿子": "child",
        "女儿": "child",
        "子": "child",
        "女": "child",
        "父亲": "parent",
        "母亲": "parent",
        "孙子": "grandchild",
        "孙女": "grandchild",
        "儿媳": "child_in_law",
        "女婿": "child_in_law",
        "租户": "tenant",
        "租客": "tenant",
    },
    "residence_type": {
        "户籍": "registered",
        "常住": "permanent",
        "流动": "migrant",
        "流动人口": "migrant",
        "户籍人口": "registered",
        "常住人口": "permanent",
    },
    "tenure": {
        "自有": "owned",
        "自住": "owned",
        "租住": "rented",
        "出租": "rented",
        "其他": "other",
    },
    "trade": {
        "餐饮": "catering",
        "零售": "retail",
        "超市": "supermarket",
        "美容美发": "beauty",
        "维修": "repair",
        "医药": "pharmacy",
        "药店": "pharmacy",
        "诊所": "pharmacy",
        "教育培训": "education",
        "金融通信": "finance",
        "家政服务": "services",
        "生活服务": "services",
        "其他": "other",
    },
}


def _map_choice(row_errors, number, field, raw, enum, required=True):
    raw = (raw or "").strip()
    if not raw:
        if required:
            row_errors.append(RowError(number, field, _("Required.")))
        return ""
    table = {**choice_lookup(enum), **EXTRA_ALIASES.get(field, {})}
    value = table.get(raw.lower())
    if value is None:
        allowed = "、".join(str(label) for _v, label in enum.choices)
        row_errors.append(
            RowError(number, field, _("'%(v)s' is not one of: %(a)s") % {"v": raw, "a": allowed})
        )
        return ""
    return value


class PlaceResolver:
    """Finds compounds, buildings and grids by the names people write in spreadsheets."""

    def __init__(self, compounds):
        self.compounds = {}
        for c in compounds:
            self.compounds[c.name] = c
            self.compounds[c.code.lower()] = c
        self.buildings = {}
        for b in Building.objects.filter(compound__in=compounds):
            self.buildings[(b.compound_id, str(b.number))] = b
            self.buildings[(b.compound_id, b.name)] = b
        self.grids = {}
        for g in Grid.objects.filter(compound__in=compounds) | Grid.objects.filter(
            community__compounds__in=compounds
        ):
            self.grids[g.code.lower()] = g
            self.grids[g.name] = g

    def compound(self, raw, errors, number, required=True):
        raw = (raw or "").strip()
        if not raw:
            if required:
                errors.append(RowError(number, "compound", _("Required.")))
            return None
        found = self.compounds.get(raw) or self.compounds.get(raw.lower())
        if found is None:
            errors.append(
                RowError(
                    number,
                    "compound",
                    _("No compound '%(v)s' that you may import into.") % {"v": raw},
                )
            )
        return found

    def building(self, compound, raw, errors, number):
        raw = (raw or "").strip()
        if not raw:
            errors.append(RowError(number, "building", _("Required.")))
            return None
        key = re.sub(r"(号楼|号|栋|幢)$", "", raw)
        found = self.buildings.get((compound.id, raw)) or self.buildings.get((compound.id, key))
        if found is None:
            errors.append(
                RowError(
                    number,
                    "building",
                    _("%(c)s has no building '%(v)s'.") % {"c": compound.name, "v": raw},
                )
            )
        return found

    def grid(self, raw, errors, number):
        raw = (raw or "").strip()
        if not raw:
            return None
        found = self.grids.get(raw) or self.grids.get(raw.lower())
        if found is None:
            errors.append(RowError(number, "grid", _("No grid '%(v)s'.") % {"v": raw}))
        return found


def _int(raw, errors, number, field, required=True, lo=None, hi=None):
    raw = (raw or "").strip()
    if not raw:
        if required:
            errors.append(RowError(number, field, _("Required.")))
        return None
    try:
        value = int(float(raw))
    except ValueError:
        errors.append(RowError(number, field, _("'%(v)s' is not a whole number.") % {"v": raw}))
        return None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        errors.append(
            RowError(
                number,
                field,
                _("%(v)s is outside %(lo)s–%(hi)s.") % {"v": value, "lo": lo, "hi": hi},
            )
        )
        return None
    return value


def _form_errors(form, number) -> list[RowError]:
    return [RowError(number, f, str(m)) for f, msgs in form.errors.items() for m in msgs]


def _floor_from_room(room: str) -> int | None:
    digits = re.sub(r"\D", "", room)
    return int(digits[:-2]) if len(digits) >= 3 else None


class _Base(ImportHandler):
    def allowed(self, user) -> bool:
        return access_for(user).allows(Kind.PERSONAL, IMPORT)

    def scope(self, job):
        return list(Compound.objects.restrict(job.created_by, IMPORT))


ADDRESS_COLUMNS = (
    Column("compound", "小区", "Compound", True, "小区名称或代码，如 红橡树", "红橡树"),
    Column("building", "楼栋", "Building", True, "楼号，如 3 或 3号楼", "3"),
    Column("unit", "单元", "Unit", True, "单元号，数字", "2"),
    Column("room", "房号", "Room", True, "如 502", "502"),
)


class _HouseholdPlanner:
    """Finds the household at an address, or plans a new one (once per address)."""

    def __init__(self, compounds):
        self.existing = {}
        for h in Household.objects.active().filter(building__compound__in=compounds):
            self.existing[(h.building_id, h.unit, h.room)] = h
        self.new = {}

    def get(self, building, unit, room, floor=None, tenure="owned", notes=""):
        key = (building.id, unit, room)
        if key in self.existing:
            return self.existing[key], False
        if key not in self.new:
            self.new[key] = Household(
                building=building,
                unit=unit,
                room=room,
                tenure=tenure or "owned",
                notes=notes,
                floor=floor if floor is not None else (_floor_from_room(room) or 1),
                code=household_code(building, unit, room),
            )
        return self.new[key], True


def check_address(resolver, values, errors, number):
    compound = resolver.compound(values.get("compound"), errors, number)
    building = (
        resolver.building(compound, values.get("building"), errors, number) if compound else None
    )
    unit = _int(values.get("unit"), errors, number, "unit", lo=1, hi=99)
    room = (values.get("room") or "").strip()
    if not room:
        errors.append(RowError(number, "room", _("Required.")))
    if building and unit and unit > building.units:
        errors.append(
            RowError(
                number, "unit", _("%(b)s has %(n)s units.") % {"b": building, "n": building.units}
            )
        )
    return building, unit, room


@register
class ResidentImport(_Base):
    kind = "places.residents"
    title = "居民"
    columns = (
        *ADDRESS_COLUMNS,
        Column("name", "姓名", "Name", True, "", "王秀英"),
        Column("gender", "性别", "Gender", False, "男/女；填了身份证号可省略", "女"),
        Column(
            "birth_date",
            "出生日期",
            "Birth date",
            False,
            "YYYY-MM-DD；填了身份证号可省略",
            "1948-03-12",
        ),
        Column(
            "id_number",
            "身份证号",
            "ID number",
            False,
            "18位，校验位会被检查",
            "370322194803120024",
        ),
        Column("phone", "手机号", "Phone", False, "11位手机号或固话", "13953312345"),
        Column(
            "relation",
            "与户主关系",
            "Relation",
            True,
            "户主、配偶、子女、父母、孙子女、租户…",
            "户主",
        ),
        Column("residence_type", "人口类型", "Residence type", False, "户籍、常住、流动", "户籍"),
        Column(
            "tags",
            "标签",
            "Tags",
            False,
            "多个用逗号分隔：独居老人、儿童、残疾人、党员、志愿者…",
            "独居老人",
        ),
        Column("notes", "备注", "Notes", False, "", ""),
    )

    def check(self, rows, job, progress):
        compounds = self.scope(job)
        resolver = PlaceResolver(compounds)
        households = _HouseholdPlanner(compounds)
        tags = {}
        for t in ResidentTag.objects.all():
            tags[t.code] = t
            tags[t.name] = t
        taken = set(
            Resident.objects.exclude(id_number_index="").values_list("id_number_index", flat=True)
        )
        seen_in_file: dict[str, int] = {}
        plan, errors = [], []
        for done, (number, values) in enumerate(rows, start=1):
            row_errors: list[RowError] = []
            building, unit, room = check_address(resolver, values, row_errors, number)
            data = {
                "name": values.get("name", ""),
                "gender": _map_choice(
                    row_errors,
                    number,
                    "gender",
                    values.get("gender"),
                    choices.Gender,
                    required=False,
                ),
                "birth_date": values.get("birth_date", ""),
                "id_number": values.get("id_number", ""),
                "phone": values.get("phone", ""),
                "relation": _map_choice(
                    row_errors, number, "relation", values.get("relation"), choices.Relation
                ),
                "residence_type": _map_choice(
                    row_errors,
                    number,
                    "residence_type",
                    values.get("residence_type"),
                    choices.ResidenceType,
                    required=False,
                )
                or "registered",
                "notes": values.get("notes", ""),
            }
            row_tags = []
            for name in re.split(r"[,，、;；\s]+", values.get("tags", "")):
                if not name:
                    continue
                if name not in tags:
                    row_errors.append(
                        RowError(number, "tags", _("Unknown tag '%(v)s'.") % {"v": name})
                    )
                else:
                    row_tags.append(tags[name])
            form = _ImportResidentForm(data=data)
            if not form.is_valid():
                row_errors.extend(_form_errors(form, number))
            id_number = form.cleaned_data.get("id_number") if "id_number" not in form.errors else ""
            if id_number:
                index = Resident.index_id_number(id_number)
                if index in taken:
                    row_errors.append(
                        RowError(number, "id_number", _("Already registered in the register."))
                    )
                elif index in seen_in_file:
                    row_errors.append(
                        RowError(
                            number,
                            "id_number",
                            _("Same ID number as row %(r)s.") % {"r": seen_in_file[index]},
                        )
                    )
                else:
                    seen_in_file[index] = number
            if not row_errors and building:
                household, _new = households.get(building, unit, room)
                plan.append((household, form.cleaned_data, row_tags))
            errors.extend(row_errors)
            progress(done)
        summary = {"residents": len(plan), "new_households": len(households.new), "rows": len(rows)}
        return Checked(
            plan={"rows": plan, "new_households": list(households.new.values())},
            errors=errors,
            summary=summary,
        )

    def commit(self, checked, job):
        new_households = checked.plan["new_households"]
        Household.objects.bulk_create(_with_addresses(new_households), batch_size=1000)
        today = timezone.localdate()
        residents, residencies, tag_links = [], [], []
        for household, cleaned, _tags in checked.plan["rows"]:
            r = Resident(
                household=household,
                status=choices.ResidentStatus.ACTIVE,
                community_id=household.building.compound.community_id,
                **{k: v for k, v in cleaned.items() if k != "tags"},
            )
            r.fill_derived()
            residents.append(r)
        Resident.objects.bulk_create(residents, batch_size=1000)
        heads = []
        through = Resident.tags.through
        for resident, (household, _cleaned, tags) in zip(
            residents, checked.plan["rows"], strict=True
        ):
            residencies.append(
                Residency(
                    resident=resident,
                    household=household,
                    relation=resident.relation,
                    moved_in=today,
                    moved_in_reason=choices.MoveReason.REGISTERED,
                )
            )
            tag_links.extend(through(resident_id=resident.pk, residenttag_id=t.pk) for t in tags)
            if resident.relation == choices.Relation.HEAD and household.head_id is None:
                household.head = resident
                heads.append(household)
        Residency.objects.bulk_create(residencies, batch_size=1000)
        through.objects.bulk_create(tag_links, batch_size=2000)
        Household.objects.bulk_update(heads, ["head"], batch_size=1000)
        audit.record_many(
            "resident.register", residents, actor=job.created_by, data={"import": job.pk}
        )
        return {"created_residents": len(residents), "created_households": len(new_households)}


class _ImportResidentForm(ResidentForm):
    class Meta(ResidentForm.Meta):
        fields = [f for f in ResidentForm.Meta.fields if f != "tags"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("tags", None)


def _with_addresses(households):
    for h in households:
        h.address = h.compose_address()
    return households


@register
class HouseholdImport(_Base):
    kind = "places.households"
    title = "住户"
    columns = (
        *ADDRESS_COLUMNS,
        Column("floor", "楼层", "Floor", False, "不填则由房号推算（502 → 5）", "5"),
        Column("tenure", "产权", "Tenure", False, "自有、租住、其他", "自有"),
        Column("notes", "备注", "Notes", False, "", ""),
    )

    def check(self, rows, job, progress):
        compounds = self.scope(job)
        resolver = PlaceResolver(compounds)
        households = _HouseholdPlanner(compounds)
        errors, seen = [], {}
        for done, (number, values) in enumerate(rows, start=1):
            row_errors: list[RowError] = []
            building, unit, room = check_address(resolver, values, row_errors, number)
            floor = _int(
                values.get("floor"),
                row_errors,
                number,
                "floor",
                required=False,
                lo=-5,
                hi=building.floors if building else 200,
            )
            tenure = (
                _map_choice(
                    row_errors,
                    number,
                    "tenure",
                    values.get("tenure"),
                    choices.Tenure,
                    required=False,
                )
                or "owned"
            )
            if not row_errors and building:
                key = (building.id, unit, room)
                if key in households.existing:
                    row_errors.append(
                        RowError(number, "room", _("A household is already registered here."))
                    )
                elif key in seen:
                    row_errors.append(
                        RowError(number, "room", _("Same address as row %(r)s.") % {"r": seen[key]})
                    )
                else:
                    seen[key] = number
                    households.get(building, unit, room, floor, tenure, values.get("notes", ""))
            errors.extend(row_errors)
            progress(done)
        return Checked(
            plan=list(households.new.values()),
            errors=errors,
            summary={"households": len(households.new), "rows": len(rows)},
        )

    def commit(self, checked, job):
        created = Household.objects.bulk_create(_with_addresses(checked.plan), batch_size=1000)
        audit.record_many(
            "household.create", created, actor=job.created_by, data={"import": job.pk}
        )
        return {"created_households": len(created)}


@register
class ShopImport(_Base):
    kind = "places.shops"
    title = "商铺"
    columns = (
        Column("name", "名称", "Name", True, "", "千乘便利店"),
        Column("trade", "行业", "Trade", True, "餐饮、零售、超市、美容美发、维修…", "零售"),
        Column(
            "licence_number",
            "统一社会信用代码",
            "Licence number",
            False,
            "18位，校验位会被检查",
            "",
        ),
        Column("contact_name", "联系人", "Contact", False, "", "李明"),
        Column("contact_phone", "联系电话", "Contact phone", False, "", "13853312345"),
        Column("compound", "小区", "Compound", False, "所在或毗邻的小区", "芦湖明珠"),
        Column("grid", "网格", "Grid", False, "网格代码或名称", ""),
        Column("address", "地址", "Address", False, "", "千乘大街12号"),
        Column("lng", "经度", "Longitude", False, "WGS84", ""),
        Column("lat", "纬度", "Latitude", False, "WGS84", ""),
        Column("opened_on", "开业日期", "Opened on", False, "YYYY-MM-DD", ""),
        Column("notes", "备注", "Notes", False, "", ""),
    )

    def allowed(self, user) -> bool:
        return access_for(user).allows(Kind.PLACES, IMPORT)

    def check(self, rows, job, progress):
        resolver = PlaceResolver(self.scope(job))
        community = Community.objects.restrict(job.created_by, IMPORT).first()
        taken = set(
            Shop.objects.exclude(licence_number="").values_list("licence_number", flat=True)
        )
        errors, plan, seen = [], [], {}
        if community is None:
            return Checked(errors=[RowError(1, "", _("You may not import shops."))])
        for done, (number, values) in enumerate(rows, start=1):
            row_errors: list[RowError] = []
            compound = resolver.compound(values.get("compound"), row_errors, number, required=False)
            grid = resolver.grid(values.get("grid"), row_errors, number)
            data = {
                k: values.get(k, "")
                for k in (
                    "name",
                    "licence_number",
                    "contact_name",
                    "contact_phone",
                    "address",
                    "lat",
                    "lng",
                    "opened_on",
                    "notes",
                )
            }
            data["trade"] = _map_choice(
                row_errors, number, "trade", values.get("trade"), choices.ShopTrade
            )
            data["compound"] = compound.pk if compound else ""
            data["grid"] = grid.pk if grid else ""
            form = ShopForm(data=data)
            if not form.is_valid():
                row_errors.extend(
                    e for e in _form_errors(form, number) if e.field != "trade" or data["trade"]
                )
            else:
                licence = form.cleaned_data.get("licence_number")
                if licence and licence in taken:
                    row_errors.append(
                        RowError(
                            number,
                            "licence_number",
                            _("Another shop is registered with this licence."),
                        )
                    )
                elif licence and licence in seen:
                    row_errors.append(
                        RowError(
                            number,
                            "licence_number",
                            _("Same licence as row %(r)s.") % {"r": seen[licence]},
                        )
                    )
                elif licence:
                    seen[licence] = number
            if not row_errors:
                shop = form.save(commit=False)
                shop.community = community
                shop.fill_derived()
                plan.append(shop)
            errors.extend(row_errors)
            progress(done)
        return Checked(plan=plan, errors=errors, summary={"shops": len(plan), "rows": len(rows)})

    def commit(self, checked, job):
        created = Shop.objects.bulk_create(checked.plan, batch_size=1000)
        audit.record_many("shop.create", created, actor=job.created_by, data={"import": job.pk})
        return {"created_shops": len(created)}
