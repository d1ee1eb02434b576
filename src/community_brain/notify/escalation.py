"""Escalation: an urgent notice nobody acknowledged in time goes to the next person in the
chain — whoever is on duty now, in the rota's order, then the organisation's leaders — one
person per step, every ``NOTIFY_ESCALATE_AFTER_MINUTES``, until someone acknowledges or
nobody is left.

Clock time counts, not working time: nights, weekends and holidays escalate alike, and
quiet hours never hold back an urgent notice. Each step is claimed with a conditional
UPDATE of ``due_at``, so several workers never take the same step twice.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from community_brain.core import audit
from community_brain.notify import conf, oncall, services
from community_brain.notify.models import Escalation

logger = logging.getLogger(__name__)


def escalate_due(*, limit: int = 500) -> int:
    """Take every escalation step that is due; returns how many steps this call took."""
    now = timezone.now()
    due = list(
        Escalation.objects.filter(due_at__lte=now, acknowledged_at__isnull=True)
        .order_by("due_at", "id")
        .values_list("pk", "due_at")[:limit]
    )
    return sum(step(pk, due_at) for pk, due_at in due)


def next_person(escalation: Escalation, at):
    told = set(escalation.notified or [])
    people = oncall.chain(organisation=escalation.organisation, compound=escalation.compound, at=at)
    return next((p for p in people if p.pk not in told), None)


def step(escalation_id: int, due_at) -> bool:
    """One step of one escalation, if it is still due and nobody else took it."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Escalation.objects.filter(
            pk=escalation_id, due_at=due_at, acknowledged_at__isnull=True
        ).update(due_at=now + conf.escalate_after())
        if not claimed:
            return False
        escalation = Escalation.objects.select_related("organisation", "compound").get(
            pk=escalation_id
        )
        person = next_person(escalation, now)
        if person is None:
            escalation.due_at, escalation.exhausted_at = None, now
            escalation.save(update_fields=["due_at", "exhausted_at"])
            audit.record("notice.escalation_exhausted", escalation, summary=escalation.key)
            logger.warning("escalation %s: nobody left in the chain", escalation.key)
            return True
        escalation.step += 1
        escalation.notified = [*escalation.notified, person.pk]
        escalation.save(update_fields=["step", "notified"])
        services.send_escalation_step(escalation, person)
        audit.record(
            "notice.escalate",
            escalation,
            summary=str(person),
            data={"step": escalation.step, "to": person.pk},
        )
    return True
