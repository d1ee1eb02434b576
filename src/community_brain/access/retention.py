"""The retention job (定期删除): snapshots and unknown-face embeddings go after the compound's
snapshot retention, access events after its event retention, and stranger groups with them
(their centroid with the last snapshot); the templates of residents who moved out go too.
Declared in ``notify.periodic.SCHEDULE``; safe to run anywhere, any number of times."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F

from community_brain.access.models import AccessEvent, Gate, PrivacySettings, StrangerGroup
from community_brain.core import audit, clock


def purge(now=None) -> dict[int, dict[str, int]]:
    """Purge every compound with gates; {compound id: counts} of what went."""
    now = now or clock.now()
    compound_ids = set(Gate.objects.values_list("compound_id", flat=True))
    compound_ids |= set(StrangerGroup.objects.values_list("compound_id", flat=True))
    settings = {
        ps.compound_id: ps for ps in PrivacySettings.objects.filter(compound_id__in=compound_ids)
    }
    done = {}
    moved = forget_moved_out()
    if moved:
        done[0] = {"templates_of_people_gone": moved}
    for compound_id in sorted(compound_ids):
        ps = settings.get(compound_id) or PrivacySettings(compound_id=compound_id)
        counts = purge_compound(compound_id, ps, now)
        if any(counts.values()):
            done[compound_id] = counts
    return done


def forget_moved_out() -> int:
    """Delete the templates of residents who moved out or are no longer active (and close
    their consent): the purpose is gone with them."""
    from community_brain.access.models import Consent, FaceTemplate
    from community_brain.access.services import privacy

    gone = FaceTemplate.objects.exclude(
        resident__status="active", resident__household__building__compound_id=F("compound_id")
    ).select_related("resident")
    count = 0
    for row in gone:
        with transaction.atomic():
            resident = row.resident
            audit.record(
                "access.template_deleted",
                row,
                summary=f"{resident.masked_name}: moved out",
                data={"resident": resident.pk, "why": "moved out", "compound": row.compound_id},
            )
            Consent.objects.filter(resident=resident, withdrawn_at__isnull=True).update(
                withdrawn_at=clock.now(), withdrawal_reason="moved out"
            )
            row.delete()
            privacy.bump_template_version(row.compound_id)
            count += 1
    return count


@transaction.atomic
def purge_compound(compound_id: int, ps: PrivacySettings, now) -> dict[str, int]:
    snapshot_cutoff = now - timedelta(days=ps.snapshot_retention_days)
    event_cutoff = now - timedelta(days=ps.event_retention_days)
    events = AccessEvent.objects.filter(gate__compound_id=compound_id)
    old = events.filter(at__lt=snapshot_cutoff).exclude(snapshot="", embedding_sealed="")
    snapshots = 0
    for event in old.only("id", "snapshot"):
        if event.snapshot:
            event.snapshot.delete(save=False)
            snapshots += 1
    captures = old.update(snapshot="", embedding_sealed="")
    removed, _ = events.filter(at__lt=event_cutoff).delete()
    groups = StrangerGroup.objects.filter(compound_id=compound_id)
    faded = (
        groups.filter(last_seen__lt=snapshot_cutoff)
        .exclude(centroid_sealed="")
        .update(centroid_sealed="")
    )
    gone, _ = groups.filter(last_seen__lt=event_cutoff).delete()
    counts = {
        "snapshots": snapshots,
        "captures": captures,
        "events": removed,
        "centroids": faded,
        "groups": gone,
    }
    if any(counts.values()):
        audit.record(
            "access.purged",
            ps if ps.pk else None,
            summary=f"compound {compound_id}: {counts}",
            data={"compound": compound_id, **counts},
        )
    return counts
