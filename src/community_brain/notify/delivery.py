"""Delivering notices: claim, send, record — safe with any number of workers.

A worker claims a notice with one conditional UPDATE (due and waiting → ``sending``, its
name, the time) and goes on only if that changed one row, so two workers never send the
same notice at once. A worker that dies mid-delivery leaves the notice ``sending``; when
its lease runs out the notice is due again and another worker takes it (at-least-once
delivery). The outcome is recorded by another conditional UPDATE that only the claim's
holder can make, so a notice is recorded as delivered once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.db.models import F
from django.utils import timezone

from community_brain.core.errors import IllegalTransition
from community_brain.notify import channels, conf
from community_brain.notify.choices import PUSH_CHANNELS
from community_brain.notify.models import Notice, Preference, State

logger = logging.getLogger(__name__)


def worker_id() -> str:
    """This process and thread, as recorded in ``Notice.claimed_by``."""
    name = f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"
    return name[:120]


def _check(sources, to) -> None:
    for source in sources:
        if to not in Notice.TRANSITIONS[source]:
            raise IllegalTransition("notice", source, to)


def claim(notice_id: int, worker: str) -> bool:
    """Take the notice if it is due (or its last holder's lease ran out)."""
    _check([State.PENDING, State.FAILED, State.SENDING], State.SENDING)
    now = timezone.now()
    changed = (
        Notice.objects.due(now)
        .filter(pk=notice_id)
        .update(
            state=State.SENDING,
            claimed_by=worker,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    )
    return changed == 1


def _held(notice: Notice, worker: str):
    return Notice.objects.filter(pk=notice.pk, state=State.SENDING, claimed_by=worker)


def _delivered(notice: Notice, worker: str) -> bool:
    _check([State.SENDING], State.DELIVERED)
    scrub = {"payload": {}} if notice.scrub_payload else {}
    changed = _held(notice, worker).update(
        state=State.DELIVERED, delivered_at=timezone.now(), last_error="", **scrub
    )
    if not changed:
        logger.warning("notice %s was sent after its lease ran out; recorded by another", notice.pk)
    return bool(changed)


def _failed(notice: Notice, worker: str, error: str, *, permanent: bool) -> None:
    give_up = permanent or notice.attempts >= conf.max_attempts()
    to = State.DEAD if give_up else State.FAILED
    _check([State.SENDING], to)
    fields = {"state": to, "last_error": error[:2000]}
    if give_up and notice.scrub_payload:
        fields["payload"] = {}
    if not give_up:
        fields["next_attempt_at"] = timezone.now() + conf.retry_delay(notice.attempts)
    _held(notice, worker).update(**fields)
    logger.warning(
        "notice %s (%s) attempt %s failed%s: %s",
        notice.pk,
        notice.channel,
        notice.attempts,
        ", giving up" if give_up else "",
        error,
    )


def _put_back(notice: Notice, worker: str, until) -> None:
    """Quiet hours: back to pending until they end; this was not an attempt."""
    _check([State.SENDING], State.PENDING)
    _held(notice, worker).update(
        state=State.PENDING, next_attempt_at=until, attempts=F("attempts") - 1
    )


def _quiet_until(notice: Notice):
    if notice.urgent or notice.channel not in PUSH_CHANNELS or notice.recipient_id is None:
        return None
    preference = Preference.objects.filter(user_id=notice.recipient_id).first()
    return preference.quiet_until(timezone.now()) if preference else None


def deliver(notice_id: int, *, worker: str | None = None) -> bool:
    """Claim, send and record one notice; True when this call delivered it."""
    worker = worker or worker_id()
    if not claim(notice_id, worker):
        return False
    notice = Notice.objects.select_related("recipient", "endpoint").filter(pk=notice_id).first()
    if notice is None:  # deleted meanwhile (its recipient was removed)
        return False
    until = _quiet_until(notice)
    if until is not None:
        _put_back(notice, worker, until)
        return False
    try:
        channels.get(notice.channel).send(notice, channels.build_message(notice))
    except channels.DeliveryError as exc:
        _failed(notice, worker, str(exc), permanent=exc.permanent)
        return False
    except Exception as exc:  # a bug or a library's surprise: retried like any failure
        logger.exception("notice %s: unexpected error while sending", notice_id)
        _failed(notice, worker, f"{type(exc).__name__}: {exc}", permanent=False)
        return False
    return _delivered(notice, worker)


def due_ids(limit: int | None = None) -> list[int]:
    qs = Notice.objects.due(timezone.now()).order_by("-urgent", "next_attempt_at", "id")
    return list(qs.values_list("pk", flat=True)[: limit or conf.sweep_batch()])


def sweep(*, worker: str | None = None, limit: int | None = None) -> int:
    """Deliver what is due: new notices the queue lost, retries, expired leases. Run every
    half minute by the periodic scheduler; returns how many this call delivered."""
    worker = worker or worker_id()
    return sum(deliver(pk, worker=worker) for pk in due_ids(limit))
