"""Every write to the lists: items published (each publication a new version), cancelled,
claimed from the provincial catalogue or declined with reasons. Transactional and audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.core import audit
from community_brain.core.errors import InvalidInput
from community_brain.duties import permissions
from community_brain.duties.choices import ClaimStatus, ItemStatus
from community_brain.duties.models import (
    Accountability,
    ClaimEvidence,
    ClaimTask,
    DutyItem,
    ItemVersion,
    Responsibility,
)

PUBLIC_FIELDS = (
    "code",
    "name",
    "type",
    "basis",
    "implementing_body",
    "internal_unit",
    "statutory_days",
    "promised_days",
    "charges_fee",
    "same_power",
    "entrusted",
    "enterprise",
    "notes",
    "status",
)
MIN_REASON = 10  # characters: a reason, not a shrug


def published_fields(item: DutyItem) -> dict:
    """What the public site shows of the item, as it is now."""
    return {
        **{name: getattr(item, name) for name in PUBLIC_FIELDS},
        "department": item.department.name,
        "department_id": item.department_id,
        "parent": item.parent.code if item.parent_id else "",
        "responsibilities": [
            {"stage": r.stage, "content": r.content, "basis": r.basis}
            for r in item.responsibilities.all()
        ],
        "accountabilities": [
            {"situation": a.situation, "basis": a.basis} for a in item.accountabilities.all()
        ],
    }


def publish(item: DutyItem, *, change: str, reason: str = "", at=None) -> ItemVersion:
    """Close the version in force and open a new one with the item as it is now."""
    at = at or timezone.now()
    current = item.versions.filter(valid_to__isnull=True).first()
    number = 1
    if current is not None:
        current.valid_to = at
        current.save(update_fields=["valid_to"])
        number = current.version + 1
    if item.version != number:
        item.version = number
        item.save(update_fields=["version", "updated_at"])
    return ItemVersion.objects.create(
        item=item,
        version=number,
        valid_from=at,
        change=change,
        reason=reason,
        data=published_fields(item),
    )


@transaction.atomic
def create_item(
    *,
    by,
    department,
    fields: Mapping,
    responsibilities: Iterable[Mapping] = (),
    accountabilities: Iterable[Mapping] = (),
    reason: str = "",
    at=None,
) -> DutyItem:
    """A new item, published at once (``at``: when it came into force)."""
    if DutyItem.objects.filter(code=fields["code"]).exists():
        raise InvalidInput.single(
            "code", _("This code is taken (a cancelled item's code is never reused).")
        )
    item = DutyItem.objects.create(department=department, **fields)
    Responsibility.objects.bulk_create(
        Responsibility(item=item, order=n, **r) for n, r in enumerate(responsibilities)
    )
    Accountability.objects.bulk_create(
        Accountability(item=item, order=n, **a) for n, a in enumerate(accountabilities)
    )
    publish(item, change="add", reason=reason, at=at)
    audit.record("duty.added", item, actor=by, summary=str(item), data={"reason": reason})
    return item


@transaction.atomic
def cancel_item(*, by, item: DutyItem, reason: str, at=None) -> DutyItem:
    """Take an item out of force; its row and code stay, and the public history shows it."""
    if len(reason.strip()) < MIN_REASON:
        raise InvalidInput.single("reason", _("Say why the item is cancelled."))
    item = DutyItem.objects.select_for_update().get(pk=item.pk)
    if item.status == ItemStatus.CANCELLED:
        return item
    item.status = ItemStatus.CANCELLED
    item.save(update_fields=["status", "updated_at"])
    publish(item, change="cancel", reason=reason, at=at)
    audit.record("duty.cancelled", item, actor=by, summary=str(item), data={"reason": reason})
    return item


def _open_task(task: ClaimTask, by) -> ClaimTask:
    task = ClaimTask.objects.select_for_update().select_related("entry").get(pk=task.pk)
    if not permissions.may_answer(by, task):
        raise PermissionDenied("not this department's claim task")
    if task.status != ClaimStatus.OPEN:
        raise InvalidInput.single(
            "status",
            _("This task is already %(status)s.") % {"status": task.get_status_display()},
        )
    return task


@transaction.atomic
def claim(*, by, task: ClaimTask, fields: Mapping | None = None) -> DutyItem:
    """The department takes the catalogue item on: it becomes a county item, in force now,
    with the catalogue's four fields that must match (code, name, type, basis)."""
    task = _open_task(task, by)
    entry = task.entry
    extra = dict(fields or {})
    for name in ("code", "name", "type", "basis"):
        extra.pop(name, None)
    item = create_item(
        by=by,
        department=task.department,
        fields={
            "code": entry.code,
            "name": entry.name,
            "type": entry.type,
            "basis": entry.basis,
            **extra,
        },
        reason=_("Claimed from the provincial catalogue of %(date)s")
        % {"date": entry.snapshot.taken_on},
    )
    task.status, task.item = ClaimStatus.CLAIMED, item
    task.decided_at, task.decided_by = timezone.now(), by
    task.save(update_fields=["status", "item", "decided_at", "decided_by"])
    audit.record("duty.claimed", task, actor=by, summary=f"{task.code} → {task.department}")
    return item


@transaction.atomic
def decline(*, by, task: ClaimTask, reason: str, files=()) -> ClaimTask:
    """The department does not hold the item: refused without reasons and evidence."""
    task = _open_task(task, by)
    errors = {}
    if len((reason or "").strip()) < MIN_REASON:
        errors["reason"] = [
            _("Give the reasons (at least %(n)s characters): why this is not your item.")
            % {"n": MIN_REASON}
        ]
    files = [f for f in files or () if f]
    if not files:
        errors["evidence"] = [_("Attach the evidence (a document, a letter, a legal text).")]
    if errors:
        raise InvalidInput(errors)
    for upload in files:
        ClaimEvidence.objects.create(task=task, file=upload, name=upload.name[:200])
    task.status, task.reason = ClaimStatus.DECLINED, reason.strip()
    task.decided_at, task.decided_by = timezone.now(), by
    task.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    audit.record("duty.declined", task, actor=by, summary=task.code, data={"reason": reason})
    return task
