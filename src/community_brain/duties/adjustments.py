"""Dynamic adjustment (动态调整): a department applies to add, cancel, change or devolve an
item → the establishment office reviews → the justice bureau checks legality → the county
government approves where the rules require it (adding, cancelling, devolving) → the office
publishes, and the change takes effect as a new version of the item.

Each step has a time limit in working days (``LIMITS``). The worker's sweep reminds the
people of the step's organisation when a step is due within a working day and, once it is
overdue, escalates to the establishment office's leaders (the notification system's notices).
Every move is an ``AdjustmentStep``; an illegal move is refused naming the current state.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community_brain.accounts.models import Membership
from community_brain.accounts.permissions import access_for
from community_brain.accounts.roles import OrganisationKind
from community_brain.core import audit
from community_brain.core.errors import IllegalTransition, InvalidInput
from community_brain.core.workdays import deadline_after
from community_brain.duties import permissions, services
from community_brain.duties.choices import ItemStatus, ItemType
from community_brain.duties.models import Adjustment, AdjustmentFile, AdjustmentStep, DutyItem
from community_brain.notify import templates


class Kind(models.TextChoices):
    ADD = "add", gettext_lazy("add an item")
    CANCEL = "cancel", gettext_lazy("cancel an item")
    CHANGE = "change", gettext_lazy("change an item")
    DEVOLVE = "devolve", gettext_lazy("devolve an item (下放)")


class Trigger(models.TextChoices):
    LAW = "law", gettext_lazy("a law enacted, revised or repealed")
    HIGHER = "higher", gettext_lazy("the higher level devolved or cancelled it")
    FUNCTIONS = "functions", gettext_lazy("the department's functions changed")
    OTHER = "other", gettext_lazy("other")


class State(models.TextChoices):
    SUBMITTED = "submitted", gettext_lazy("with the establishment office")
    LEGALITY = "legality", gettext_lazy("legality review (justice bureau)")
    APPROVAL = "approval", gettext_lazy("waiting for government approval")
    READY = "ready", gettext_lazy("approved, to be published")
    PUBLISHED = "published", gettext_lazy("published on the lists")
    RETURNED = "returned", gettext_lazy("returned to the department")
    REJECTED = "rejected", gettext_lazy("rejected")


NEEDS_APPROVAL = {Kind.ADD, Kind.CANCEL, Kind.DEVOLVE}
# Working days each step may take (configurable defaults from the provincial practice).
LIMITS = {State.SUBMITTED: 10, State.LEGALITY: 5, State.APPROVAL: 10, State.READY: 3}
# action: (from states, who, to state)
MOVES = {
    "accept": ({State.SUBMITTED}, "office", State.LEGALITY),
    "legal": ({State.LEGALITY}, "justice", None),  # → approval or ready, by kind
    "approve": ({State.APPROVAL}, "office", State.READY),  # recorded by the office
    "publish": ({State.READY}, "office", State.PUBLISHED),
    "return": ({State.SUBMITTED, State.LEGALITY}, "reviewer", State.RETURNED),
    "reject": ({State.APPROVAL}, "office", State.REJECTED),
    "resubmit": ({State.RETURNED}, "department", State.SUBMITTED),
}
CHANGEABLE = (
    "name",
    "basis",
    "implementing_body",
    "internal_unit",
    "statutory_days",
    "promised_days",
    "charges_fee",
    "notes",
)

templates.register(
    "duty.adjustment_step",
    gettext_lazy("List adjustment {title}: {state}"),
    gettext_lazy("{department} — {action}. Due {due}."),
)
templates.register(
    "duty.adjustment_overdue",
    gettext_lazy("List adjustment overdue: {title}"),
    gettext_lazy("Step “{state}” was due {due}."),
)


def allowed_actions(adjustment: Adjustment) -> list[str]:
    return [a for a, (states, _who, _to) in MOVES.items() if adjustment.status in states]


def is_justice(user) -> bool:
    return Membership.objects.filter(
        user=user, is_active=True, organisation__kind=OrganisationKind.JUSTICE_BUREAU
    ).exists()


def may(user, adjustment: Adjustment, action: str) -> bool:
    who = MOVES[action][1]
    if who == "office":
        return permissions.is_office(user)
    if who == "justice":
        return is_justice(user) or access_for(user).is_admin
    if who == "reviewer":
        return permissions.is_office(user) or is_justice(user)
    return adjustment.department_id in permissions.departments_of(user)


# --- applying ---------------------------------------------------------------------------------
@transaction.atomic
def apply(
    *,
    by,
    department,
    kind: str,
    trigger: str,
    basis: str,
    item: DutyItem | None = None,
    proposed: Mapping | None = None,
    files=(),
) -> Adjustment:
    """A department's application. Bad input is refused field by field, nothing written."""
    if department.pk not in permissions.departments_of(by) and not permissions.is_office(by):
        raise PermissionDenied("not your department")
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [_("Choose add, cancel, change or devolve.")]
    if trigger not in Trigger.values:
        errors["trigger"] = [_("Say what triggered the adjustment.")]
    if len((basis or "").strip()) < services.MIN_REASON:
        errors["basis"] = [_("Give the basis and the reasons (at least 10 characters).")]
    proposed = dict(proposed or {})
    if kind == Kind.ADD:
        for field in ("code", "name", "type", "basis"):
            if not str(proposed.get(field, "")).strip():
                errors[field] = [_("Required for a new item.")]
        if proposed.get("type") and proposed["type"] not in ItemType.values:
            errors["type"] = [_("Unknown type.")]
        if proposed.get("code") and DutyItem.objects.filter(code=proposed["code"]).exists():
            errors["code"] = [_("This code is taken (a cancelled item's code is never reused).")]
    elif kind in Kind.values:
        if item is None or item.department_id != department.pk:
            errors["item"] = [_("Choose one of the department's items.")]
        elif item.status != ItemStatus.ACTIVE:
            errors["item"] = [_("This item is not in force.")]
        if kind == Kind.CHANGE:
            proposed = {k: v for k, v in proposed.items() if k in CHANGEABLE}
            if not proposed:
                errors["proposed"] = [_("Say what changes.")]
    if errors:
        raise InvalidInput(errors)
    adjustment = Adjustment.objects.create(
        department=department,
        kind=kind,
        item=item if kind != Kind.ADD else None,
        proposed=proposed,
        trigger=trigger,
        basis=basis.strip(),
        submitted_by=by,
        due_at=deadline_after(timezone.now(), LIMITS[State.SUBMITTED]).at,
    )
    for upload in files or ():
        AdjustmentFile.objects.create(adjustment=adjustment, file=upload, name=upload.name[:200])
    AdjustmentStep.objects.create(
        adjustment=adjustment, action="apply", to_status=State.SUBMITTED, actor=by
    )
    audit.record("duty.adjustment.applied", adjustment, actor=by, summary=str(adjustment))
    _tell(adjustment, "apply")
    return adjustment


@transaction.atomic
def move(*, by, adjustment: Adjustment, action: str, note: str = "", approval_ref: str = ""):
    """Take one step; refused when the state does not allow it (naming the state) or the
    person may not take it."""
    adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    if action not in MOVES:
        raise InvalidInput.single("action", _("Unknown action."))
    states, _who, to = MOVES[action]
    if adjustment.status not in states:
        raise IllegalTransition("list adjustment", adjustment.status, action)
    if not may(by, adjustment, action):
        raise PermissionDenied(f"may not {action} this adjustment")
    if action in ("return", "reject") and len(note.strip()) < services.MIN_REASON:
        raise InvalidInput.single("note", _("Give the reasons (at least 10 characters)."))
    if action == "approve" and not approval_ref.strip():
        raise InvalidInput.single("approval_ref", _("Give the government's approval document."))
    if action == "legal":
        to = State.APPROVAL if adjustment.kind in NEEDS_APPROVAL else State.READY
    before = adjustment.status
    adjustment.status = to
    adjustment.due_at = deadline_after(timezone.now(), LIMITS[to]).at if to in LIMITS else None
    adjustment.reminded_at = adjustment.escalated_at = None
    if approval_ref:
        adjustment.approval_ref = approval_ref.strip()[:100]
    if action == "publish":
        _take_effect(adjustment, by)
        adjustment.published_at = timezone.now()
    adjustment.save()
    AdjustmentStep.objects.create(
        adjustment=adjustment,
        action=action,
        from_status=before,
        to_status=to,
        actor=by,
        note=note.strip(),
    )
    audit.record(f"duty.adjustment.{action}", adjustment, actor=by, summary=f"{before} → {to}")
    _tell(adjustment, action)
    return adjustment


def _take_effect(adjustment: Adjustment, by) -> None:
    reason = adjustment.basis
    if adjustment.kind == Kind.ADD:
        fields = {
            k: v
            for k, v in adjustment.proposed.items()
            if k in ("code", "name", "type", "basis", *CHANGEABLE)
        }
        adjustment.item = services.create_item(
            by=by, department=adjustment.department, fields=fields, reason=reason
        )
        return
    item = DutyItem.objects.select_for_update().get(pk=adjustment.item_id)
    if adjustment.kind == Kind.CHANGE:
        for field, value in adjustment.proposed.items():
            setattr(item, field, value)
        item.save()
        services.publish(item, change="change", reason=reason)
    elif adjustment.kind == Kind.CANCEL:
        services.cancel_item(by=by, item=item, reason=reason)
    else:  # devolved: out of the county department's list, the history says where it went
        item.status = ItemStatus.CANCELLED
        item.save(update_fields=["status", "updated_at"])
        services.publish(item, change="devolve", reason=reason)


# --- telling people --------------------------------------------------------------------------
def _people_of(kinds=(), organisation_ids=(), leaders_only=False):
    memberships = Membership.objects.filter(is_active=True).select_related("user")
    if kinds:
        memberships = memberships.filter(organisation__kind__in=kinds)
    if organisation_ids:
        memberships = memberships.filter(organisation_id__in=organisation_ids)
    if leaders_only:
        memberships = memberships.filter(is_leader=True)
    return list({m.user_id: m.user for m in memberships if m.user.is_active}.values())


def next_actors(adjustment: Adjustment) -> list:
    if adjustment.status in (State.SUBMITTED, State.APPROVAL, State.READY):
        return _people_of(kinds=[OrganisationKind.ESTABLISHMENT_OFFICE])
    if adjustment.status == State.LEGALITY:
        return _people_of(kinds=[OrganisationKind.JUSTICE_BUREAU])
    return _people_of(organisation_ids=[adjustment.department_id])


def _payload(adjustment: Adjustment, action: str = "") -> dict:
    item = adjustment.item
    code = item.code if item else adjustment.proposed.get("code", "")
    title = f"{Kind(adjustment.kind).label} {code}"
    due = timezone.localtime(adjustment.due_at).strftime("%Y-%m-%d") if adjustment.due_at else ""
    return {
        "title": title,
        "state": str(State(adjustment.status).label),
        "department": adjustment.department.name,
        "action": action,
        "due": due,
        "adjustment_id": adjustment.pk,
    }


def _tell(adjustment: Adjustment, action: str) -> None:
    from community_brain.notify.services import notify

    people = next_actors(adjustment)
    if people:
        notify(
            recipients=people,
            template="duty.adjustment_step",
            payload=_payload(adjustment, action),
            idempotency_key=f"duty-adjustment:{adjustment.pk}:{action}:{adjustment.steps.count()}",
            related=adjustment,
        )


def sweep(now=None) -> dict:
    """Remind the step's people a working day before it is due; once overdue, tell the
    establishment office's leaders (or its people, when it names none). Run every hour."""
    from community_brain.notify.services import notify

    now = now or timezone.now()
    counts = {"reminded": 0, "escalated": 0}
    open_states = list(LIMITS)
    soon = Adjustment.objects.filter(
        status__in=open_states, due_at__isnull=False, reminded_at__isnull=True
    ).select_related("department", "item")
    for adjustment in soon:
        if deadline_after(now, 1).at < adjustment.due_at:
            continue
        with transaction.atomic():
            people = next_actors(adjustment)
            if people:
                notify(
                    recipients=people,
                    template="duty.adjustment_step",
                    payload=_payload(adjustment, "reminder"),
                    idempotency_key=f"duty-adjustment:{adjustment.pk}:remind:{adjustment.due_at:%Y%m%d}",
                    related=adjustment,
                )
            Adjustment.objects.filter(pk=adjustment.pk).update(reminded_at=now)
            counts["reminded"] += 1
    late = Adjustment.objects.filter(
        status__in=open_states, due_at__lt=now, escalated_at__isnull=True
    ).select_related("department", "item")
    for adjustment in late:
        with transaction.atomic():
            office = _people_of(
                kinds=[OrganisationKind.ESTABLISHMENT_OFFICE], leaders_only=True
            ) or _people_of(kinds=[OrganisationKind.ESTABLISHMENT_OFFICE])
            if office:
                notify(
                    recipients=office,
                    template="duty.adjustment_overdue",
                    payload=_payload(adjustment),
                    idempotency_key=f"duty-adjustment:{adjustment.pk}:overdue:{adjustment.due_at:%Y%m%d}",
                    related=adjustment,
                    urgent=True,
                    needs_ack=False,
                )
            Adjustment.objects.filter(pk=adjustment.pk).update(escalated_at=now)
            counts["escalated"] += 1
    return counts
