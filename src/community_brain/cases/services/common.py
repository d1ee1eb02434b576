"""Pieces shared by the case services: the timeline row, locking, rights, photos."""

from __future__ import annotations

import time

from django.core.exceptions import PermissionDenied

from community_brain.accounts.models import Membership
from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import DISPATCH, HANDLE, REPORT
from community_brain.cases import machine
from community_brain.cases.announce import announce
from community_brain.cases.choices import ParticipantRole
from community_brain.cases.models import Case, CaseEvent, CasePhoto
from community_brain.core import clock, context
from community_brain.core.images import clean_image


def now():
    return clock.now()


LABEL_SECONDS = 60.0
_labels: dict[int, tuple[str, float]] = {}


def actor_label(by) -> str:
    """ "Organisation·person", as the timeline shows who acted. Kept for a minute per person
    in this process: a label only describes, and reports arrive by the hundred."""
    if by is None or not getattr(by, "is_authenticated", False):
        return ""
    label = getattr(by, "_case_actor_label", None)  # once per request's user object
    if label is None:
        cached = _labels.get(by.pk)
        if cached is None or cached[1] < time.monotonic():
            cached = (_label_of(by), time.monotonic() + LABEL_SECONDS)
            _labels[by.pk] = cached
        label = by._case_actor_label = cached[0]
    return label


def forget_labels() -> None:
    _labels.clear()


def _label_of(by) -> str:
    org = (
        Membership.objects.filter(user=by, is_active=True, organisation__isnull=False)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    return f"{org.organisation}·{by}" if org else str(by)


def event(case: Case, kind: str, by=None, **fields) -> CaseEvent:
    """Write a timeline row."""
    row = event_row(case, kind, by, **fields)
    row.save()
    announce(case, kind)
    return row


def event_row(
    case: Case,
    kind: str,
    by=None,
    *,
    from_status: str = "",
    to_status: str = "",
    message: str = "",
    note: str = "",
    public: bool = True,
    data: dict | None = None,
    at=None,
    acting: context.ActingContext | None = None,
) -> CaseEvent:
    """A timeline row, unsaved; ``acting`` when it is written outside its request."""
    ctx = acting or context.current()
    extra = {"channel": ctx.channel}
    if ctx.request_id:
        extra["request_id"] = ctx.request_id
    return CaseEvent(
        case=case,
        kind=kind,
        at=at or now(),
        actor=by if getattr(by, "is_authenticated", False) else None,
        actor_label=actor_label(by),
        from_status=from_status,
        to_status=to_status,
        message=message[:1000],
        note=note,
        public=public,
        data={**extra, **(data or {})},
    )


def locked(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def is_handler(user, case: Case) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if case.assignee_id == user.pk:
        return True
    orgs = set(
        case.participants.filter(active=True)
        .exclude(role=ParticipantRole.OVERSIGHT)
        .values_list("organisation_id", flat=True)
    )
    if case.organisation_id:
        orgs.add(case.organisation_id)
    return Membership.objects.filter(user=user, is_active=True, organisation_id__in=orgs).exists()


def can_dispatch(user, case: Case) -> bool:
    return Case.objects.filter(pk=case.pk).restrict(user, DISPATCH).exists()


HANDLERS_OWN = frozenset({"return", "request_extension"})


def may(user, case: Case, action: str, *, dispatcher=None, handler=None) -> bool:
    """Whether the user has the right to take this action on this case (the state machine
    decides separately whether the case allows it now). ``dispatcher``/``handler`` may be
    passed when already known, to save their queries."""
    if access_for(user).is_admin:
        return True
    right = machine.who(action)
    if dispatcher is None:
        dispatcher = can_dispatch(user, case)
    if right == DISPATCH:
        return dispatcher
    if right == HANDLE:
        if handler is None:
            handler = is_handler(user, case)
        # A dispatcher may record work on the handler's behalf (it was phoned in), but
        # returning a case or asking for more time is the handler's own word.
        return handler or (dispatcher and action not in HANDLERS_OWN)
    if right == REPORT:
        own = user is not None and case.reporter_user_id == getattr(user, "pk", None)
        return own or dispatcher
    return False


def require_right(user, case: Case, action: str) -> None:
    """The actor may take this action on this case."""
    if not may(user, case, action):
        raise PermissionDenied(f"not allowed to {action} case {case.code}")


def add_photos(
    case: Case,
    uploads,
    *,
    stage: str,
    by=None,
    ev: CaseEvent | None = None,
    keep_location: bool = False,
) -> list[CasePhoto]:
    photos = []
    for upload in uploads or ():
        clean = clean_image(upload, keep_location=keep_location)
        photo = CasePhoto(
            case=case,
            event=ev,
            stage=stage,
            width=clean.width,
            height=clean.height,
            taken_lat=clean.lat,
            taken_lng=clean.lng,
            uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        photo.image.save(clean.file.name, clean.file, save=False)
        photo.save()
        photos.append(photo)
    return photos
