"""Case events that tell people: assignment, transfer, return, deadline approaching, overdue,
escalation, reopening, rating. Notices are queued in the caller's transaction and delivered
after it commits (``notify.services.notify``); their idempotency keys make replays harmless."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models import Q

from community_brain.accounts.models import Membership, User
from community_brain.accounts.roles import Role
from community_brain.cases import sla
from community_brain.core import clock
from community_brain.core.snapshots import Snapshot
from community_brain.notify import oncall

HANDLER_ROLES = (
    Role.PROPERTY_STAFF,
    Role.DEPARTMENT_OFFICER,
    Role.CONTRACTOR,
    Role.COMMUNITY_STAFF,
)


def _all_handlers() -> dict[int, tuple[User, ...]]:
    found: dict[int, dict[int, User]] = {}
    memberships = Membership.objects.filter(
        organisation__isnull=False,
        is_active=True,
        role__in=HANDLER_ROLES,
        user__is_active=True,
    ).select_related("user")
    for membership in memberships.order_by("pk"):
        found.setdefault(membership.organisation_id, {}).setdefault(
            membership.user_id, membership.user
        )
    return {pk: tuple(users.values()) for pk, users in found.items()}


# Who handles each organisation's cases: read for every case assigned, edited rarely. An edit
# in this process shows at once; one made in another process within 10 s, as grants do
# (ACCESS_CACHE_SECONDS).
_handlers = Snapshot(_all_handlers, models=(Membership, User), ttl=10)


def handlers_of(organisation) -> list[User]:
    if organisation is None:
        return []
    return list(_handlers.get().get(organisation.pk, ()))


def community_secretaries(community) -> list[User]:
    return list(
        User.objects.filter(
            Q(memberships__community=community) | Q(memberships__organisation__community=community),
            is_active=True,
            memberships__is_active=True,
            memberships__is_leader=True,
            memberships__role=Role.COMMUNITY_STAFF,
        ).distinct()
    )


_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("case_notices_muted", default=False)


@dataclass
class _Batch:
    calls: list = field(default_factory=list)


_batch: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar(
    "case_notices_batch", default=None
)


@contextmanager
def batched():
    """The notices sent inside are written together when the block ends without error (many
    cases reported at once)."""
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
    from community_brain.notify.services import notify_many

    notify_many(batch.calls)


def is_muted() -> bool:
    """Whether notices are muted here (other modules' notices follow the same switch)."""
    return _muted.get()


@contextmanager
def muted():
    """No notices (seeding history, migrating old records)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _payload(case, **extra) -> dict:
    return {
        "code": case.code,
        "title": case.title,
        "case_id": case.pk,
        "status": case.status,
        "deadline": case.resolve_by.isoformat() if case.resolve_by else "",
        **extra,
    }


def send(case, template: str, recipients, *, key: str, urgent: bool = False, **extra) -> None:
    from community_brain.notify.services import notify

    people = {u.pk: u for u in recipients if u is not None}
    if not people or _muted.get():
        return
    call = {
        "recipients": list(people.values()),
        "template": template,
        "payload": _payload(case, **extra),
        "urgent": urgent,
        "idempotency_key": f"case:{case.pk}:{key}",
        "related": case,
    }
    batch = _batch.get()
    if batch is not None:
        batch.calls.append(call)
    else:
        notify(**call)


def assigned(case, event) -> None:
    people = [case.assignee] if case.assignee_id else handlers_of(case.organisation)
    send(
        case, "case.assigned", people, key=f"assigned:{event.pk}", urgent=case.priority == "urgent"
    )


def returned(case, event, reason: str) -> None:
    send(
        case,
        "case.returned",
        community_secretaries(case.community) or [],
        key=f"returned:{event.pk}",
        reason=reason,
    )


def reopened(case, event, reason: str) -> None:
    people = [case.assignee] if case.assignee_id else handlers_of(case.organisation)
    send(case, "case.reopened", people, key=f"reopened:{event.pk}", reason=reason)


def rated(case, event) -> None:
    people = handlers_of(case.organisation)
    send(case, "case.rated", people, key=f"rated:{event.pk}", rating=case.rating)


def overseers(case) -> list[User]:
    """The people of the organisations that verify the case without handling it (a road's
    owner and supervision office): their leaders, or everyone when none is marked."""
    from community_brain.cases.choices import ParticipantRole

    people = []
    for participant in case.participants.filter(
        role=ParticipantRole.OVERSIGHT, active=True
    ).select_related("organisation"):
        org = participant.organisation
        people += oncall.leaders(org) or list(
            User.objects.filter(
                memberships__organisation=org, memberships__is_active=True, is_active=True
            ).distinct()
        )
    return list(dict.fromkeys(people))


def due_soon(case) -> None:
    people = [case.assignee] if case.assignee_id else handlers_of(case.organisation)
    used = min(99, int(sla.used_fraction(case, clock.now()) * 100))
    send(
        case,
        "case.deadline_near",
        people,
        key=f"due_soon:{case.resolve_by:%Y%m%d%H%M}",
        percent=used,
    )


def overdue(case, level: int) -> None:
    if level == 1:
        people = oncall.leaders(case.organisation) or handlers_of(case.organisation)
    else:
        people = community_secretaries(case.community) + overseers(case)
    send(
        case,
        "case.overdue",
        people,
        key=f"overdue:{level}:{case.resolve_by:%Y%m%d%H%M}",
        urgent=level > 1,
        level=level,
    )
