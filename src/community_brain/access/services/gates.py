"""Gates and their devices, and what happens at a gate: a face recognised (or not), a card,
PIN or QR pass presented, the guard opening by hand, events posted by an edge gate. Each
passage is one ``AccessEvent``; each face read one audit row."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping
from datetime import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.access import matcher, permissions
from community_brain.access import strangers as stranger_groups
from community_brain.access.choices import (
    CARRIED,
    CredentialKind,
    Decision,
    Direction,
    EventSource,
    GateDeviceKind,
)
from community_brain.access.device_types import CAMERA, DEVICE_NAMES, READER, ensure_types
from community_brain.access.models import AccessEvent, Credential, Gate, GateDevice
from community_brain.access.recognition import FaceError, Reason
from community_brain.access.recognition.at_rest import seal
from community_brain.access.recognition.index import pack_embeddings
from community_brain.access.services import privacy
from community_brain.access.services.credentials import secret_index
from community_brain.accounts.permissions import CHANGE
from community_brain.accounts.roles import GUARD
from community_brain.core import audit, clock
from community_brain.core.errors import InvalidInput, validated
from community_brain.devices import services as device_services


class GateForm(forms.ModelForm):
    class Meta:
        model = Gate
        fields = ["code", "name", "direction", "location", "is_active"]


@transaction.atomic
def create_gate(compound, *, by, data: Mapping) -> Gate:
    permissions.require(by, CHANGE, compound)
    form = GateForm(data={"is_active": True, **dict(data)})
    validated(form)
    gate = form.save(commit=False)
    gate.compound = compound
    gate.save()
    audit.record("access.gate_created", gate, actor=by, summary=str(gate))
    return gate


@transaction.atomic
def add_device(gate: Gate, *, by, kind: str, code: str, name: str = "") -> tuple[GateDevice, str]:
    """A camera or reader at the gate, registered as a device with its own token (returned
    once)."""
    permissions.require(by, CHANGE, gate.compound_id)
    if kind not in GateDeviceKind.values:
        raise InvalidInput.single("kind", _("A gate device is a camera or a reader."))
    types = ensure_types()
    device = device_services.create_device(
        by=by,
        data={
            "code": code,
            "name": name or f"{gate.name}{DEVICE_NAMES[kind]}",
            "type": types[CAMERA if kind == GateDeviceKind.CAMERA else READER].pk,
            "compound": gate.compound_id,
            "location": gate.location or gate.name,
            "is_active": True,
        },
    )
    gate_device = GateDevice.objects.create(gate=gate, device=device, kind=kind)
    raw = device_services.issue_token(device, by=by)
    audit.record("access.device_added", gate_device, actor=by, summary=str(gate_device))
    return gate_device, raw


def authenticate_device(code: str, raw_token: str) -> GateDevice | None:
    """The gate device whose registry token this is (None for any mismatch)."""
    gate_device = (
        GateDevice.objects.select_related("device", "gate__compound")
        .filter(device__code=code, device__is_active=True, gate__is_active=True)
        .first()
    )
    if gate_device is None or not gate_device.device.token_matches(raw_token):
        return None
    return gate_device


def _direction(gate: Gate, direction: str | None) -> str:
    if gate.direction != Direction.BOTH:
        return gate.direction
    if direction in (Direction.IN, Direction.OUT):
        return direction
    if direction:
        raise InvalidInput.single("direction", _("Direction is in or out."))
    return Direction.IN


def recognise(
    gate: Gate,
    jpeg: bytes,
    *,
    device: GateDevice | None = None,
    direction: str | None = None,
    at: datetime | None = None,
) -> AccessEvent:
    """A camera's frame → the gate's decision, matched on the server (small sites)."""
    direction = _direction(gate, direction)
    ps = privacy.settings_for(gate.compound)
    index = matcher.index_for(gate.compound_id)
    try:
        decision = matcher.engine().recognise(jpeg, index, threshold=ps.threshold)
    except FaceError as exc:
        raise InvalidInput.single("image", getattr(exc, "detail", str(exc))) from exc
    return _record_face(gate, decision, jpeg, device=device, direction=direction, at=at, ps=ps)


@transaction.atomic
def _record_face(gate, decision, jpeg, *, device, direction, at, ps) -> AccessEvent:
    from community_brain.places.models import Resident

    at = at or clock.now()
    event = AccessEvent(
        gate=gate, device=device, at=at, direction=direction, kind=CredentialKind.FACE
    )
    if decision.face is None:
        event.decision, event.reason = Decision.NO_FACE, str(decision.reason)
        event.save()
        return event
    match = decision.match
    event.similarity = round(match.similarity, 4)
    resident = Resident.objects.filter(pk=match.owner).first() if match.known else None
    here = Resident.objects.filter(
        pk=getattr(resident, "pk", None),
        status="active",
        household__building__compound_id=gate.compound_id,
    )
    if resident is not None and not here.exists():
        # Moved out since enrolment (the daily job deletes the template): not let in by face.
        event.decision, event.reason = Decision.DENIED, "not living here"
        event.resident = resident
        event.save()
        return event
    if resident is not None:
        event.decision, event.resident = Decision.GRANTED, resident
        event.save()
        audit.record(
            "access.face_matched",
            event,
            summary=f"{gate} {resident.masked_name} {event.similarity:.2f}",
            data={
                "resident": resident.pk,
                "similarity": event.similarity,
                "source": "server",
                "compound": gate.compound_id,
            },
        )
        return event
    event.decision, event.reason = Decision.UNKNOWN, str(Reason.OK)
    event.embedding_sealed = seal(pack_embeddings(decision.face.embedding))
    event.snapshot.save(f"{uuid.uuid4().hex}.jpg", ContentFile(bytes(jpeg)), save=False)
    event.save()
    audit.record(
        "access.face_unknown",
        event,
        summary=f"{gate} {event.similarity:.2f}",
        data={
            "nearest_similarity": event.similarity,
            "source": "server",
            "compound": gate.compound_id,
        },
    )
    stranger_groups.sighted(event, decision.face.embedding, ps)
    return event


@transaction.atomic
def present(
    gate: Gate,
    kind: str,
    secret: str,
    *,
    device: GateDevice | None = None,
    direction: str | None = None,
    at: datetime | None = None,
) -> AccessEvent:
    """A card, PIN or QR pass presented at the gate → let in or refused, with the reason."""
    if kind not in CARRIED:
        raise InvalidInput.single("kind", _("Present a card, a PIN or a QR pass."))
    if not (secret or "").strip():
        raise InvalidInput.single("secret", _("Nothing was read."))
    at = at or clock.now()
    event = AccessEvent(
        gate=gate, device=device, at=at, direction=_direction(gate, direction), kind=kind
    )
    credential = (
        Credential.objects.select_related("resident", "visitor")
        .filter(compound_id=gate.compound_id, kind=kind, secret_index=secret_index(kind, secret))
        .filter(revoked_at__isnull=True)
        .first()
    )
    if credential is None:
        event.decision, event.reason = Decision.DENIED, "unknown credential"
    elif credential.valid_until is not None and credential.valid_until < at:
        event.decision, event.reason = Decision.DENIED, "expired"
        event.credential = credential
    elif credential.resident is not None and credential.resident.status != "active":
        event.decision, event.reason = Decision.DENIED, "resident not active"
        event.credential = credential
    else:
        event.decision, event.credential = Decision.GRANTED, credential
        event.resident, event.visitor = credential.resident, credential.visitor
    event.save()
    return event


@transaction.atomic
def open_by_hand(gate: Gate, *, by, reason: str, direction: str | None = None, visitor=None):
    """The guard opens the gate, saying why (a resident without her card, a delivery…)."""
    permissions.require(by, GUARD, gate.compound_id)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise InvalidInput.single("reason", _("Say why the gate is opened."))
    event = AccessEvent.objects.create(
        gate=gate,
        at=clock.now(),
        direction=_direction(gate, direction),
        kind=CredentialKind.MANUAL,
        decision=Decision.GRANTED,
        reason=reason[:200],
        source=EventSource.GUARD,
        opened_by=by,
        visitor=visitor,
    )
    audit.record("access.opened_by_hand", event, actor=by, summary=f"{gate}: {reason[:150]}")
    return event


EDGE_KINDS = {CredentialKind.FACE, *CARRIED}


def _edge_row(gate_device: GateDevice, item: Mapping, residents: set[int]) -> AccessEvent:
    gate = gate_device.gate
    client_id = str(item.get("id") or "").strip()[:64]
    if not client_id:
        raise InvalidInput.single("id", _("Each event needs its own id."))
    try:
        at = datetime.fromisoformat(str(item.get("at")))
    except ValueError:
        raise InvalidInput.single("at", _("Give the time as ISO 8601 with a zone.")) from None
    if timezone.is_naive(at):
        raise InvalidInput.single("at", _("Give the time as ISO 8601 with a zone."))
    kind = item.get("kind")
    if kind not in EDGE_KINDS:
        raise InvalidInput.single("kind", _("Unknown credential kind."))
    decision = item.get("decision")
    if decision not in Decision.values:
        raise InvalidInput.single("decision", _("Unknown decision."))
    resident_id = item.get("resident")
    if resident_id is not None and resident_id not in residents:
        raise InvalidInput.single("resident", _("Not a resident of this compound."))
    similarity = item.get("similarity")
    if similarity is not None:
        try:
            similarity = float(similarity)
        except (TypeError, ValueError):
            similarity = -1.0
        if not 0 <= similarity <= 1:
            raise InvalidInput.single("similarity", _("Similarity is between 0 and 1."))
    return AccessEvent(
        gate=gate,
        device=gate_device,
        at=at,
        direction=_direction(gate, item.get("direction")),
        kind=kind,
        decision=decision,
        resident_id=resident_id,
        similarity=similarity,
        reason=str(item.get("reason") or "")[:200],
        source=EventSource.EDGE,
        client_id=client_id,
    )


@transaction.atomic
def record_edge_events(gate_device: GateDevice, items: list[Mapping]) -> dict:
    """Events an edge gate matched itself; a replayed id is stored once. An unknown face may
    carry its embedding (``embedding``: 128 numbers) for stranger grouping, kept sealed for
    the snapshot retention only."""
    import numpy as np

    from community_brain.places.models import Resident

    gate = gate_device.gate
    residents = set(
        Resident.objects.filter(household__building__compound_id=gate.compound_id).values_list(
            "id", flat=True
        )
    )
    ps = privacy.settings_for(gate.compound)
    stored = duplicates = 0
    for n, item in enumerate(items):
        try:
            event = _edge_row(gate_device, item, residents)
        except InvalidInput as exc:
            raise InvalidInput({f"events.{n}.{k}": v for k, v in exc.field_errors.items()}) from exc
        if AccessEvent.objects.filter(gate=gate, client_id=event.client_id).exists():
            duplicates += 1
            continue
        embedding = item.get("embedding")
        vector = None
        if embedding is not None and event.decision == Decision.UNKNOWN:
            try:
                vector = np.asarray(embedding, dtype=np.float32).reshape(128)
                event.embedding_sealed = seal(pack_embeddings(vector))
            except (ValueError, TypeError):
                raise InvalidInput.single(f"events.{n}.embedding", _("128 numbers.")) from None
        event.save()
        stored += 1
        if event.kind == CredentialKind.FACE and event.resident_id:
            audit.record(
                "access.face_matched",
                event,
                summary=f"{gate} (edge)",
                data={
                    "resident": event.resident_id,
                    "similarity": event.similarity,
                    "source": "edge",
                    "compound": gate.compound_id,
                },
            )
        elif vector is not None:
            stranger_groups.sighted(event, vector, ps)
    return {"stored": stored, "duplicates": duplicates}


def open_snapshot(event: AccessEvent, *, by):
    """The snapshot file of an unknown face, opened for a person who may see the event;
    each look is audited."""
    if not AccessEvent.objects.visible_to(by).filter(pk=event.pk).exists():
        raise PermissionDenied(_("You may not see this passage."))
    if not event.snapshot:
        return None
    audit.record(
        "access.snapshot_viewed", event, actor=by, data={"compound": event.gate.compound_id}
    )
    return event.snapshot.open("rb")


def jpeg_from_base64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise InvalidInput.single("image", _("Not base64.")) from None
