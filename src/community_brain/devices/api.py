"""API of the devices app: devices (list with filters, one with its latest values) and alarms
(list with filters, acknowledge, clear), scoped to what the caller may see."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate

from community_brain.accounts.permissions import CHANGE, access_for
from community_brain.accounts.roles import Kind
from community_brain.core.errors import InvalidInput
from community_brain.devices import queries
from community_brain.devices.models import Alarm, Device

router = Router(tags=["devices"])


class DeviceOut(Schema):
    id: int
    code: str
    name: str
    type: str
    type_name: str
    compound_id: int
    compound: str
    building_id: int | None
    location: str
    lat: float | None
    lng: float | None
    online: bool
    last_seen: datetime | None
    battery: float | None
    firmware: str
    is_active: bool

    @staticmethod
    def resolve_type(obj):
        return obj.type.code

    @staticmethod
    def resolve_type_name(obj):
        return obj.type.name

    @staticmethod
    def resolve_compound(obj):
        return obj.compound.name


class LatestOut(Schema):
    key: str
    label: str
    unit: str
    value: float | None
    ts: datetime | None


class DeviceDetailOut(DeviceOut):
    latest: list[LatestOut]
    active_alarms: int


class AlarmOut(Schema):
    id: int
    device: str
    device_id: int
    compound_id: int
    type: str
    severity: str
    started_at: datetime
    last_seen_at: datetime
    count: int
    details: dict
    active: bool
    cleared_at: datetime | None
    acknowledged_at: datetime | None
    case: str | None

    @staticmethod
    def resolve_device(obj):
        return obj.device.code

    @staticmethod
    def resolve_compound_id(obj):
        return obj.device.compound_id

    @staticmethod
    def resolve_active(obj):
        return obj.cleared_at is None

    @staticmethod
    def resolve_case(obj):
        return obj.case.code if obj.case_id else None


class ClearIn(Schema):
    reason: str


def _require_view(request):
    if not access_for(request.user).allows(Kind.DEVICES, "view"):
        raise PermissionDenied("you may not see devices")


@router.get("/devices", response=list[DeviceOut])
@paginate
def list_devices(
    request,
    compound: str | None = None,
    type: str | None = None,
    online: bool | None = None,
    q: str | None = None,
):
    """Filters: ``compound`` (id or code), ``type`` (type code), ``online``, ``q``."""
    _require_view(request)
    params = {"compound": compound, "type": type, "online": online, "q": q}
    qs = Device.objects.visible_to(request.user).select_related("type", "compound")
    qs, _applied = queries.filter_devices(qs, {k: v for k, v in params.items() if v is not None})
    return qs


@router.get("/devices/{code}", response=DeviceDetailOut)
def get_device(request, code: str):
    device = get_object_or_404(
        Device.objects.visible_to(request.user).select_related("type", "compound"), code=code
    )
    device.latest = queries.latest_values(device)
    device.active_alarms = Alarm.objects.filter(device=device, cleared_at__isnull=True).count()
    return device


@router.get("/alarms", response=list[AlarmOut])
@paginate
def list_alarms(
    request,
    active: bool | None = None,
    severity: str | None = None,
    compound: str | None = None,
    device: str | None = None,
):
    """Active alarms first. Filters: ``active``, ``severity``, ``compound`` (id or code),
    ``device`` (code)."""
    _require_view(request)
    params = {"active": active, "severity": severity, "compound": compound, "device": device}
    qs = Alarm.objects.visible_to(request.user).select_related("device", "case")
    qs, _applied = queries.filter_alarms(qs, {k: v for k, v in params.items() if v is not None})
    return qs


def _alarm_to_change(request, pk: int) -> Alarm:
    visible = Alarm.objects.visible_to(request.user)
    alarm = get_object_or_404(visible.select_related("device", "case"), pk=pk)
    if not Alarm.objects.restrict(request.user, CHANGE).filter(pk=pk).exists():
        raise PermissionDenied("you may not change this alarm")
    return alarm


def _fresh(pk: int) -> Alarm:
    return Alarm.objects.select_related("device", "case").get(pk=pk)


@router.post("/alarms/{pk}/acknowledge", response=AlarmOut)
def acknowledge(request, pk: int):
    from community_brain.devices import alarms

    alarm = _alarm_to_change(request, pk)
    alarms.acknowledge(alarm, request.user)
    return _fresh(pk)


@router.post("/alarms/{pk}/clear", response=AlarmOut)
def clear(request, pk: int, payload: ClearIn):
    from community_brain.devices import alarms

    alarm = _alarm_to_change(request, pk)
    if not payload.reason.strip():
        raise InvalidInput.single("reason", "say why the alarm is cleared")
    alarms.clear_alarm(alarm, by=request.user, at=timezone.now(), reason=payload.reason.strip())
    return _fresh(pk)
