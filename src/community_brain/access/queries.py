"""Read side of the gates for the pages: the gates a user keeps, recent events, the consent
ledger and the audit log of biometric reads of a compound."""

from __future__ import annotations

from community_brain.access import permissions
from community_brain.access.models import AccessEvent, Consent, Gate
from community_brain.accounts.permissions import VIEW
from community_brain.core.models import AuditLog

# Reads and uses of face data: each is one audit row (``access.*``).
BIOMETRIC_ACTIONS = (
    "access.template_read",
    "access.templates_synced",
    "access.face_matched",
    "access.face_unknown",
    "access.snapshot_viewed",
    "access.enrolled",
    "access.template_deleted",
    "access.stranger_alert",
)


def gates_for(user):
    return (
        Gate.objects.visible_to(user)
        .filter(is_active=True)
        .select_related("compound")
        .order_by("compound__name", "name")
    )


def recent_events(gate: Gate, limit: int = 30):
    return (
        AccessEvent.objects.filter(gate=gate)
        .select_related("resident", "visitor", "opened_by")
        .order_by("-at", "-id")[:limit]
    )


def ledger(compound, user):
    """The consent ledger of the compound, as the user may see it."""
    return (
        Consent.objects.visible_to(user)
        .filter(resident__household__building__compound=compound)
        .select_related("resident", "given_by", "recorded_by")
        .order_by("-given_at")
    )


def biometric_reads(compound):
    return AuditLog.objects.filter(
        action__in=BIOMETRIC_ACTIONS, data__compound=compound.pk
    ).select_related("actor")


def compounds_for(user):
    return permissions.compounds_for(user, VIEW).order_by("name")
