"""Recording an inspection round: the header, the participants, and each finding — which
enters the case ledger as a defect routed to the section's contractor, due by its severity.

All or nothing: every field of every finding is checked (stakes, sections, photos) before
anything is written, and the round is written in one transaction. A phone that sends the
same round twice (a lost answer, a resend from the saved draft) gets the first one back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.core import audit, clock, workdays
from community_brain.core.errors import InvalidInput, validated
from community_brain.core.images import clean_image
from community_brain.inspections import permissions
from community_brain.inspections.choices import Side
from community_brain.inspections.forms import FindingForm, RoundForm
from community_brain.inspections.models import Finding, Project, Round, Section
from community_brain.inspections.numbering import next_number
from community_brain.inspections.stakes import StakeError, parse_range

MAX_FINDINGS = 50
MAX_PARTICIPANTS = 30


@dataclass
class _Checked:
    form: dict
    section: Section
    start: float
    end: float
    side: str
    photos: Sequence


def deadline_for(severity, day: date) -> date:
    """The last day to rectify: the severity's working days after the day it was found."""
    return workdays.add_workdays(day, severity.workdays)


def end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _participants(raw) -> list[dict]:
    people = []
    for i, person in enumerate(raw or ()):
        name = str(person.get("name", "")).strip()[:30]
        unit = str(person.get("unit", "")).strip()[:60]
        if not name and not unit:
            continue
        if not name:
            raise InvalidInput.single(f"participants.{i}.name", _("Give the person's name."))
        people.append({"name": name, "unit": unit})
    if not people:
        raise InvalidInput.single("participants", _("Name at least one participant."))
    if len(people) > MAX_PARTICIPANTS:
        raise InvalidInput.single("participants", _("Too many participants."))
    return people


def _check_finding(i: int, raw: Mapping, sections: list[Section], photos) -> _Checked:
    form = FindingForm(data=raw)
    if not form.is_valid():
        raise InvalidInput({f"findings.{i}.{k}": list(v) for k, v in form.errors.items()})
    data = form.cleaned_data
    try:
        stakes = parse_range(data["stake"])
    except StakeError as exc:
        raise InvalidInput.single(f"findings.{i}.stake", str(exc)) from None
    side = stakes.start.side or data.get("side") or Side.BOTH
    section = next((s for s in sections if s.covers(stakes.start.metres)), None)
    if section is None:
        raise InvalidInput.single(
            f"findings.{i}.stake",
            _("%(stake)s is outside the project's sections.") % {"stake": stakes.start},
        )
    if not section.covers(stakes.end.metres):
        raise InvalidInput.single(
            f"findings.{i}.stake",
            _("%(range)s runs past the end of %(section)s: record one finding per section.")
            % {"range": stakes, "section": section.name},
        )
    for photo in photos:
        clean_image(photo, field=f"findings.{i}.photos")
        photo.seek(0)
    return _Checked(data, section, stakes.start.metres, stakes.end.metres, side, photos)


def record_round(
    *,
    by,
    project: Project,
    data: Mapping,
    participants,
    findings: Sequence[Mapping] = (),
    photos: Sequence[Sequence] = (),
    units=(),
    client_token: str = "",
) -> Round:
    """Record a round with its findings. ``photos[i]`` are the uploads of ``findings[i]``."""
    permissions.require(permissions.is_inspector(by, project), "record rounds of this project")
    client_token = (client_token or "")[:64]
    if client_token and (known := Round.objects.filter(client_token=client_token).first()):
        return known
    header = validated(RoundForm(data=data))
    if header["plan"] is not None and header["plan"].project_id != project.pk:
        raise InvalidInput.single("plan", _("This plan belongs to another project."))
    if header["inspected_on"] > clock.today():
        raise InvalidInput.single("inspected_on", _("A round cannot be in the future."))
    people = _participants(participants)
    if len(findings) > MAX_FINDINGS:
        raise InvalidInput.single(
            "findings", _("At most %(n)s findings per round.") % {"n": MAX_FINDINGS}
        )
    sections = list(project.sections.select_related("contractor"))
    checked = [
        _check_finding(i, raw, sections, photos[i] if i < len(photos) else ())
        for i, raw in enumerate(findings)
    ]
    try:
        with transaction.atomic():
            return _write(by, project, header, people, units, checked, client_token)
    except IntegrityError:
        known = Round.objects.filter(client_token=client_token).first() if client_token else None
        if known is None:
            raise
        return known  # the same round sent twice at once: the other copy won


def _write(by, project, header, people, units, checked, client_token) -> Round:
    round_ = Round.objects.create(
        project=project,
        plan=header["plan"],
        inspected_on=header["inspected_on"],
        weather=header["weather"],
        route=header["route"],
        notes=header["notes"],
        participants=people,
        recorded_by=by,
        client_token=client_token,
    )
    round_.units.set(units or [project.owner, project.supervision])
    for i, item in enumerate(checked):
        _write_finding(by, project, round_, i, item)
    audit.record(
        "inspection.round_recorded",
        round_,
        actor=by,
        summary=f"{round_} · {len(checked)} findings",
        data={"findings": len(checked), "participants": len(people)},
    )
    return round_


def _write_finding(by, project, round_, i: int, item: _Checked) -> Finding:
    from community_brain.cases.choices import Source
    from community_brain.cases.services.intake import report

    data = item.form
    severity = data["severity"] or data["defect_type"].default_severity
    deadline = deadline_for(severity, round_.inspected_on)
    number = next_number(project, "finding", round_.inspected_on.year)
    finding = Finding(
        round=round_,
        section=item.section,
        number=number,
        start_m=item.start,
        end_m=item.end,
        side=item.side,
        category=data["category"],
        defect_type=data["defect_type"],
        severity=severity,
        description=data["description"],
        quantity=data["quantity"],
        deadline=deadline,
    )
    where = f"{project.route_code} {finding.stakes} {finding.get_side_display()}"
    finding.case = report(
        by=by,
        data={
            "title": f"{finding.stakes} {data['defect_type'].name}"[:120],
            "category": data["category"].case_category_id,
            "description": f"{number} · {severity.name} · {data['description']}",
            "address": where[:200],
        },
        source=Source.INSPECTION,
        photos=item.photos,
        when=_found_at(round_.inspected_on),
        client_token=f"round:{round_.pk}:{i}",
        external_ref=number,
        route_to=item.section.contractor,
        community=project.ledger,
        resolve_by=end_of(deadline),
        oversight=(project.owner, project.supervision),
    )
    finding.save()
    return finding


def _found_at(day: date) -> datetime:
    """A past round's findings are reported on the round's day; today's, now."""
    if day >= clock.today():
        return clock.now()
    return timezone.make_aware(datetime.combine(day, time(17, 0)))
