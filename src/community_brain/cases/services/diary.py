"""The field diary (民情日记): a grid worker logs a visit in seconds, and any note can become a
case. A visit sent twice (a lost connection, a double tap) is stored once."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import REPORT, Kind
from community_brain.cases.choices import Source
from community_brain.cases.models import Category, DiaryEntry
from community_brain.cases.services.common import now
from community_brain.cases.services.intake import report
from community_brain.core.errors import InvalidInput
from community_brain.places.models import Compound, Household


def _place(by, data: Mapping):
    household = compound = None
    if data.get("household"):
        household = (
            Household.objects.visible_to(by)
            .select_related("building__compound")
            .filter(pk=data["household"])
            .first()
        )
        if household is None:
            raise InvalidInput.single("household", _("No such household in your grid."))
        compound = household.building.compound
    elif data.get("compound"):
        compound = Compound.objects.visible_to(by).filter(pk=data["compound"]).first()
        if compound is None:
            raise InvalidInput.single("compound", _("No such compound."))
    return household, compound


@transaction.atomic
def log_visit(*, by, data: Mapping, client_token: str = "") -> DiaryEntry:
    if not access_for(by).allows(Kind.CASES, REPORT):
        raise PermissionDenied
    if client_token:
        existing = DiaryEntry.objects.filter(author=by, client_token=client_token).first()
        if existing:
            return existing
    topic = " ".join(str(data.get("topic", "")).split())
    if len(topic) < 2:
        raise InvalidInput.single("topic", _("Give the visit a topic (two characters or more)."))
    household, compound = _place(by, data)
    if household is None and compound is None:
        raise InvalidInput.single("household", _("Choose the household or compound visited."))
    grid = household.building.grid if household else None
    return DiaryEntry.objects.create(
        community=compound.community,
        author=by,
        visited_at=now(),
        compound=compound,
        grid=grid,
        household=household,
        topic=topic[:100],
        notes=str(data.get("notes", ""))[:4000],
        client_token=client_token[:64],
    )


@transaction.atomic
def raise_case(
    entry: DiaryEntry, *, by, category: Category, title: str = "", photos=(), request_type: str = ""
) -> DiaryEntry:
    """Turn a diary note into a case (once)."""
    entry = DiaryEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.author_id != by.pk and not access_for(by).is_admin:
        raise PermissionDenied
    if entry.case_id:
        return entry
    data = {
        "title": title or entry.topic,
        "description": entry.notes,
        "category": category.pk,
        "compound": entry.compound_id or "",
        "household": entry.household_id or "",
        "request_type": request_type,
        "reporter_name": str(by),
    }
    entry.case = report(
        by=by,
        data=data,
        source=Source.FIELD_DIARY,
        photos=photos,
        client_token=f"diary-{entry.pk}",
        auto_dispatch=True,
    )
    entry.save(update_fields=["case", "updated_at"])
    return entry
