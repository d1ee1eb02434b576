"""API of the gates under ``/api/v1/access/``.

For gate devices (``Authorization: Bearer dv_…``, the device's registry token): post a camera
frame and get the decision; check a card, PIN or QR pass; fetch the compound's template set
for an edge gate (sealed under the device's token); post events matched at the edge.

For people (API token or session): gates, access events, consent, enrolment, credentials,
visitors, manual opening, strangers — the same services as the pages."""

# No ``from __future__ import annotations``: django-ninja's @paginate resolves annotations here.
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import HttpBearer

from community_brain.access import edge_payload, permissions
from community_brain.access import strangers as stranger_groups
from community_brain.access.models import AccessEvent, Gate, GateDevice, StrangerGroup
from community_brain.access.services import consent as consents
from community_brain.access.services import credentials, gates, privacy, templates
from community_brain.accounts.permissions import CHANGE, VIEW
from community_brain.accounts.roles import GUARD
from community_brain.core.crypto import token_hash
from community_brain.core.errors import InvalidInput
from community_brain.places.models import Resident

router = Router(tags=["access"])

MAX_FRAME = 10 * 1024 * 1024


class GateDeviceToken(HttpBearer):
    """A gate device's own registry token (``dv_…``)."""

    def authenticate(self, request, token):
        gate_device = (
            GateDevice.objects.select_related("device", "gate__compound")
            .filter(device__token_hash=token_hash(token or ""), device__is_active=True)
            .filter(gate__is_active=True)
            .first()
        )
        if gate_device is None or not gate_device.device.token_matches(token):
            return None
        request.gate_device = gate_device
        return gate_device


DEVICE = GateDeviceToken()


class EventOut(Schema):
    id: int
    gate: str
    gate_id: int
    at: datetime
    direction: str
    kind: str
    decision: str
    resident_id: int | None
    resident: str
    visitor_id: int | None
    similarity: float | None
    reason: str
    source: str
    stranger_id: int | None
    snapshot: bool

    @staticmethod
    def resolve_gate(obj):
        return obj.gate.code

    @staticmethod
    def resolve_resident(obj):
        return obj.resident.masked_name if obj.resident_id else ""

    @staticmethod
    def resolve_snapshot(obj):
        return bool(obj.snapshot)


class GateOut(Schema):
    id: int
    code: str
    name: str
    compound_id: int
    direction: str
    location: str
    is_active: bool


class CredentialIn(Schema):
    kind: str
    secret: str
    direction: str | None = None


class EdgeEventsIn(Schema):
    events: list[dict]


class ReasonIn(Schema):
    reason: str = ""
    direction: str | None = None


class ConsentIn(Schema):
    notice_version: int
    notice_hash: str
    given_by: int | None = None


class StrangerOut(Schema):
    id: int
    compound_id: int
    status: str
    sightings: int
    first_seen: datetime
    last_seen: datetime
    alerted_at: datetime | None
    case: str | None

    @staticmethod
    def resolve_case(obj):
        alarm = obj.alarm
        return alarm.case.code if alarm is not None and alarm.case_id else None


class MarkIn(Schema):
    status: str
    note: str = ""


class VisitorIn(Schema):
    name: str
    phone: str = ""
    host: int | None = None
    purpose: str = ""
    hours: int = 24


def _event_out(event: AccessEvent) -> AccessEvent:
    return AccessEvent.objects.select_related("gate", "resident").get(pk=event.pk)


# --- gate devices ----------------------------------------------------------------------------
@router.post("/access/frames", auth=DEVICE, response=EventOut)
def post_frame(request, direction: str | None = None):
    """A camera's JPEG (the raw body, ``Content-Type: image/jpeg``, or a multipart ``image``)
    → the gate's decision."""
    gate_device = request.gate_device
    if gate_device.kind != "camera":
        raise PermissionDenied("only a gate camera posts frames")
    upload = request.FILES.get("image")
    data = upload.read(MAX_FRAME + 1) if upload is not None else request.body
    if not data:
        raise InvalidInput.single("image", "send the JPEG as the body or as 'image'")
    if len(data) > MAX_FRAME:
        raise InvalidInput.single("image", "at most 10 MB")
    event = gates.recognise(gate_device.gate, data, device=gate_device, direction=direction)
    return _event_out(event)


@router.post("/access/credentials/check", auth=DEVICE, response=EventOut)
def check_credential(request, payload: CredentialIn):
    """A card number, PIN or QR token read at the gate → let in or refused."""
    gate_device = request.gate_device
    event = gates.present(
        gate_device.gate,
        payload.kind,
        payload.secret,
        device=gate_device,
        direction=payload.direction,
    )
    return _event_out(event)


@router.get("/access/templates", auth=DEVICE)
def template_set(request, since: int | None = None):
    """The compound's template set for an edge gate, sealed under the device's token:
    ``{version, unchanged}`` when ``since`` is the current version, else
    ``{version, residents, sealed}``."""
    return edge_payload.for_device(request.gate_device, since=since)


@router.post("/access-events", auth=DEVICE)
def post_events(request, payload: EdgeEventsIn):
    """Events matched at an edge gate: ``{"events": [{id, at, kind, decision, direction,
    resident, similarity, reason, embedding?}]}``; a repeated ``id`` is stored once."""
    return gates.record_edge_events(request.gate_device, payload.events)


# --- people ----------------------------------------------------------------------------------
@router.get("/gates", response=list[GateOut])
@paginate
def list_gates(request):
    return Gate.objects.visible_to(request.user).order_by("compound_id", "name")


@router.get("/access-events", response=list[EventOut])
@paginate
def list_events(
    request,
    gate: str | None = None,
    decision: str | None = None,
    kind: str | None = None,
    since: datetime | None = None,
):
    """Newest first. Filters: ``gate`` (code), ``decision``, ``kind``, ``since``."""
    qs = AccessEvent.objects.visible_to(request.user).select_related("gate", "resident")
    if gate:
        qs = qs.filter(gate__code=gate)
    if decision:
        qs = qs.filter(decision=decision)
    if kind:
        qs = qs.filter(kind=kind)
    if since:
        qs = qs.filter(at__gte=since)
    return qs


def _gate(request, code: str, action: str) -> Gate:
    gate = get_object_or_404(Gate.objects.visible_to(request.user), code=code)
    permissions.require(request.user, action, gate.compound_id)
    return gate


@router.post("/gates/{code}/open", response=EventOut)
def open_gate(request, code: str, payload: ReasonIn):
    gate = _gate(request, code, GUARD)
    event = gates.open_by_hand(
        gate, by=request.user, reason=payload.reason, direction=payload.direction
    )
    return _event_out(event)


@router.post("/gates/{code}/visitors")
def register_visitor(request, code: str, payload: VisitorIn):
    """Register a visitor; answers her QR pass token (shown once)."""
    gate = _gate(request, code, GUARD)
    visitor, credential, raw = credentials.register_visitor(
        gate.compound, by=request.user, data=payload.dict()
    )
    return {"visitor": visitor.pk, "qr": raw, "valid_until": credential.valid_until}


def _resident(request, pk: int) -> Resident:
    resident = get_object_or_404(Resident.objects.select_related("household__building"), pk=pk)
    permissions.require_act_for(request.user, resident)
    return resident


@router.get("/access/residents/{pk}/consent")
def consent_state(request, pk: int):
    """The notice to show (with its version and fingerprint) and the live consent, if any."""
    resident = _resident(request, pk)
    ps = privacy.settings_for(resident.household.building.compound)
    text = privacy.notice_text(ps)
    live = consents.live_consent(resident)
    return {
        "notice": text,
        "notice_version": ps.notice_version,
        "notice_hash": privacy.notice_hash(text),
        "consent": live.pk if live else None,
        "given_at": live.given_at if live else None,
        "enrolled": hasattr(resident, "face_template"),
    }


@router.post("/access/residents/{pk}/consent")
def give_consent(request, pk: int, payload: ConsentIn):
    resident = _resident(request, pk)
    given_by = get_object_or_404(Resident, pk=payload.given_by) if payload.given_by else None
    consent = consents.give_consent(
        resident,
        by=request.user,
        notice_version=payload.notice_version,
        notice_hash=payload.notice_hash,
        given_by=given_by,
    )
    return {"consent": consent.pk, "given_at": consent.given_at}


@router.delete("/access/residents/{pk}/consent")
def withdraw_consent(request, pk: int, reason: str = ""):
    """Withdraw; the face template is deleted at once, everywhere."""
    resident = _resident(request, pk)
    consent = consents.withdraw_consent(resident, by=request.user, reason=reason)
    return {"consent": consent.pk, "withdrawn_at": consent.withdrawn_at}


@router.post("/access/residents/{pk}/enrol")
def enrol(request, pk: int, photos: list[UploadedFile] = File(...)):
    """Enrol from 2–5 photos (multipart ``photos``); refused without live consent."""
    resident = _resident(request, pk)
    row = templates.enrol_resident(resident, [p.read(MAX_FRAME) for p in photos], by=request.user)
    return {"template": row.pk, "photos": row.photos, "version": row.version}


@router.get("/access/strangers", response=list[StrangerOut])
@paginate
def list_strangers(request, status: str | None = None):
    qs = StrangerGroup.objects.restrict(request.user, VIEW).select_related("alarm__case")
    return qs.filter(status=status) if status else qs


@router.post("/access/strangers/{pk}/mark", response=StrangerOut)
def mark_stranger(request, pk: int, payload: MarkIn):
    group = get_object_or_404(StrangerGroup.objects.restrict(request.user, CHANGE), pk=pk)
    stranger_groups.mark(group, payload.status, by=request.user, note=payload.note)
    return StrangerGroup.objects.select_related("alarm__case").get(pk=pk)


class CredentialIssueIn(Schema):
    kind: str
    number: str = ""
    pin: str = ""
    hours: int = 24 * 30


@router.post("/access/residents/{pk}/credentials")
def issue_credential(request, pk: int, payload: CredentialIssueIn):
    """An IC card (``number``), a PIN (``pin``) or a QR pass (``hours``; its token is
    answered once) for a resident — whatever her consent."""
    resident = _resident(request, pk)
    raw = None
    if payload.kind == "card":
        credential = credentials.issue_card(resident, payload.number, by=request.user)
    elif payload.kind == "pin":
        credential = credentials.set_pin(resident, payload.pin, by=request.user)
    elif payload.kind == "qr":
        credential, raw = credentials.issue_qr(resident, by=request.user, hours=payload.hours)
    else:
        raise InvalidInput.single("kind", "card, pin or qr")
    return {
        "credential": credential.pk,
        "kind": credential.kind,
        "hint": credential.hint,
        "valid_until": credential.valid_until,
        "qr": raw,
    }


@router.delete("/access/credentials/{pk}")
def revoke_credential(request, pk: int, reason: str = ""):
    from community_brain.access.models import Credential

    credential = get_object_or_404(Credential.objects.restrict(request.user, CHANGE), pk=pk)
    credential = credentials.revoke(credential, by=request.user, reason=reason)
    return {"credential": credential.pk, "revoked_at": credential.revoked_at}


@router.delete("/access/residents/{pk}/template")
def delete_template(request, pk: int):
    """Delete the resident's face template now (consent stays until withdrawn)."""
    resident = _resident(request, pk)
    return {
        "deleted": templates.delete_template(resident, by=request.user, why="deleted on request")
    }
