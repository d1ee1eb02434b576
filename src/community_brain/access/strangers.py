"""Strangers (陌生人): unknown faces at a compound's gates grouped by embedding distance,
across gates and days, from captures still within retention only. A group alerts once —
through the alarm path, into a case from a gate alert — when it is seen ``stranger_sightings``
times, at night, or at two gates or more. Staff then mark it resolved, a registered visitor,
or a resident to enrol. No profile outlives the captures: the purge drops the centroid with
the last snapshot, and the group with the last event."""

from __future__ import annotations

import logging
from datetime import time

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.access import permissions
from community_brain.access.choices import STRANGER_TRANSITIONS, GateDeviceKind, StrangerStatus
from community_brain.access.models import AccessEvent, GateDevice, StrangerGroup
from community_brain.access.recognition.at_rest import seal, unseal
from community_brain.access.recognition.index import pack_embeddings, unpack_embeddings
from community_brain.accounts.permissions import CHANGE
from community_brain.core import audit, clock
from community_brain.core.errors import IllegalTransition, InvalidInput

logger = logging.getLogger(__name__)


def is_night(moment, start: time, end: time) -> bool:
    local = timezone.localtime(moment).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def _nearest(compound_id: int, vector: np.ndarray):
    best, best_distance = None, float("inf")
    groups = (
        StrangerGroup.objects.select_for_update()
        .filter(compound_id=compound_id, status=StrangerStatus.OPEN)
        .exclude(centroid_sealed="")
    )
    for group in groups:
        centroid = unpack_embeddings(unseal(group.centroid_sealed))[0]
        distance = float(np.linalg.norm(centroid.astype(np.float64) - vector))
        if distance < best_distance:
            best, best_distance = group, distance
    return best, best_distance


def sighted(event: AccessEvent, embedding, ps) -> StrangerGroup:
    """Put the unknown face of ``event`` in its group (a new one if none is near), and alert
    if the group now calls for it. Runs in the caller's transaction."""
    vector = np.asarray(embedding, dtype=np.float64).reshape(-1)
    compound_id = event.gate.compound_id
    group, distance = _nearest(compound_id, vector)
    if group is None or distance > ps.stranger_distance:
        group = StrangerGroup.objects.create(
            compound_id=compound_id,
            centroid_sealed=seal(pack_embeddings(vector.astype(np.float32))),
            sightings=1,
            first_seen=event.at,
            last_seen=event.at,
        )
    else:
        centroid = unpack_embeddings(unseal(group.centroid_sealed))[0].astype(np.float64)
        n = group.sightings
        merged = (centroid * n + vector) / (n + 1)
        group.centroid_sealed = seal(pack_embeddings(merged.astype(np.float32)))
        group.sightings = n + 1
        group.first_seen = min(group.first_seen, event.at)
        group.last_seen = max(group.last_seen, event.at)
        group.save(update_fields=["centroid_sealed", "sightings", "first_seen", "last_seen"])
    AccessEvent.objects.filter(pk=event.pk).update(stranger=group)
    event.stranger = group
    why = reasons_to_alert(group, event, ps)
    if why and group.alerted_at is None:
        alert(group, event, why)
    return group


def reasons_to_alert(group: StrangerGroup, event: AccessEvent, ps) -> list[str]:
    gates = AccessEvent.objects.filter(stranger=group).values("gate_id").distinct().count()
    why = []
    if group.sightings >= ps.stranger_sightings:
        why.append("sightings")
    if is_night(event.at, ps.night_from, ps.night_until):
        why.append("night")
    if gates >= 2:
        why.append("gates")
    return why


def _camera_for(event: AccessEvent):
    if event.device_id and event.device.kind == GateDeviceKind.CAMERA:
        return event.device.device
    gate_device = (
        GateDevice.objects.select_related("device")
        .filter(gate__compound_id=event.gate.compound_id, kind=GateDeviceKind.CAMERA)
        .order_by("id")
        .first()
    )
    return gate_device.device if gate_device else None


def alert(group: StrangerGroup, event: AccessEvent, why: list[str]) -> None:
    """Raise the stranger alarm on the gate's camera; its rule opens the case (gate alert)."""
    from community_brain.access.device_types import STRANGER_EVENT, stranger_rule
    from community_brain.cases.choices import Source
    from community_brain.devices.alarms import raise_alarm
    from community_brain.devices.choices import Severity

    camera = _camera_for(event)
    now = clock.now()
    if camera is None:
        logger.warning("stranger group %s: no camera at compound to raise the alarm on", group.pk)
        alarm = None
    else:
        words = {"sightings": "多次出现", "night": "夜间出现", "gates": "多个出入口出现"}
        summary = "未登记人员" + "、".join(words[w] for w in why) + f"（{group.sightings} 次）"
        alarm, _created = raise_alarm(
            camera,
            f"{STRANGER_EVENT}:{group.pk}"[:40],
            Severity.MAJOR,
            rule=stranger_rule(),
            details={"summary": summary, "group": group.pk, "why": why, "gate": event.gate.name},
            at=event.at,
            source=Source.GATE_ALERT,
        )
    StrangerGroup.objects.filter(pk=group.pk).update(alerted_at=now, alarm=alarm)
    group.alerted_at, group.alarm = now, alarm
    audit.record(
        "access.stranger_alert",
        group,
        summary=f"#{group.pk} {','.join(why)}",
        data={"why": why, "compound": group.compound_id},
    )


@transaction.atomic
def mark(group: StrangerGroup, status: str, *, by, note: str = "") -> StrangerGroup:
    """Staff's verdict on a group; the alarm (if any) is cleared with it."""
    if not permissions.may(by, CHANGE, group.compound_id):
        raise PermissionDenied(_("You may not mark this group."))
    group = StrangerGroup.objects.select_for_update().get(pk=group.pk)
    if status not in StrangerStatus.values:
        raise InvalidInput.single("status", _("Unknown status."))
    if status not in STRANGER_TRANSITIONS[group.status]:
        raise IllegalTransition("stranger group", group.status, status)
    group.status = status
    group.resolved_at = clock.now()
    group.resolved_by = by
    group.note = (note or "").strip()[:200]
    group.save(update_fields=["status", "resolved_at", "resolved_by", "note"])
    audit.record("access.stranger_marked", group, actor=by, summary=f"#{group.pk} {status}")
    if group.alarm_id and group.alarm.cleared_at is None:
        from community_brain.devices.alarms import clear_alarm

        clear_alarm(
            group.alarm, by=None, at=group.resolved_at, reason=f"陌生人分组已标记：{status}"
        )
    return group
