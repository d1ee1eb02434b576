"""Background tasks of the notify app, on the ``notify`` queue. Run by ``brain worker``."""

from __future__ import annotations

from django_tasks import task

from community_brain.notify import delivery


@task(queue_name="notify")
def deliver_notices(notice_ids: list[int]) -> int:
    """Deliver the notices one ``notify`` call queued; returns how many this run delivered."""
    return sum(delivery.deliver(pk) for pk in notice_ids)
