"""Turn one raw device message (topic kind, device code, payload bytes) into a validated
``messages.Message``, or refuse it with a ``Rejected`` naming the reason. Nothing a device
can send makes this raise anything else.

Payloads (DESIGN.md):
- telemetry: ``{"ts": <ms epoch, optional>, "values": {"key": number, ...}}`` or a flat
  ``{"key": number, ..., "ts": <optional>}``; ``battery`` (0–100) and ``firmware`` (text) are
  accepted from every device and also update the registry.
- event: ``{"id": "...", "type": "...", "ts": <ms epoch>, "data": {...}}``.
- status: ``online`` or ``offline`` (the device's retained last will).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from community_brain.devices.choices import RejectReason
from community_brain.devices.ingest import conf
from community_brain.devices.ingest.devices import DeviceCache, DeviceInfo, default_cache
from community_brain.devices.messages import Event, Message, Reading, Status

KINDS = ("telemetry", "event", "status")
REGISTRY_KEYS = ("battery", "firmware")  # accepted from any device type
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Rejected(Exception):
    """A message refused, with the reason counted in ``IngestReject`` and a detail for
    whoever looks at why."""

    def __init__(self, reason: RejectReason, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = RejectReason(reason)
        self.detail = detail[:300]


@dataclass(frozen=True, slots=True)
class DeviceReading(Reading):
    """A Reading that also carries the firmware version the device reported (the rules see
    an ordinary Reading; the store updates the registry)."""

    firmware: str | None = None


def parse(
    kind: str,
    device_code: str,
    payload: bytes,
    *,
    devices: DeviceCache | None = None,
    now: datetime | None = None,
) -> Message:
    """The validated message, or ``Rejected``."""
    now = now or datetime.now(UTC)
    device = _device(device_code, devices or default_cache)
    if kind not in KINDS:
        raise Rejected(RejectReason.BAD_SHAPE, f"unknown message kind {kind!r}")
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise Rejected(RejectReason.BAD_SHAPE, "the payload is not bytes")
    limit = conf.get("INGEST_MAX_PAYLOAD")
    if len(payload) > limit:
        raise Rejected(RejectReason.TOO_LARGE, f"{len(payload)} bytes, at most {limit}")
    try:
        if kind == "status":
            return _status(device, bytes(payload), now)
        body = _json(bytes(payload))
        if kind == "telemetry":
            return _telemetry(device, body, now)
        return _event(device, body, now)
    except Rejected:
        raise
    except Exception as exc:  # a safety net: a device must never crash the ingest
        raise Rejected(RejectReason.BAD_SHAPE, f"unreadable: {type(exc).__name__}") from exc


def _device(code: str, devices: DeviceCache) -> DeviceInfo:
    if not isinstance(code, str) or not code or len(code) > 64:
        raise Rejected(RejectReason.UNKNOWN_DEVICE, "no device code, or longer than 64")
    info = devices.get(code)
    if info is None:
        raise Rejected(RejectReason.UNKNOWN_DEVICE, f"no device with code {code!r}")
    if not info.is_active:
        raise Rejected(RejectReason.INACTIVE_DEVICE, f"device {code!r} is switched off")
    return info


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


_decoder = json.JSONDecoder(parse_constant=_no_constants)


def _json(payload: bytes):
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(RejectReason.NOT_JSON, f"not UTF-8 (byte {exc.start})") from exc
    if "\x00" in text or "\\u0000" in text:  # PostgreSQL stores no NUL in text or jsonb
        raise Rejected(RejectReason.BAD_VALUE, "contains a NUL character")
    try:
        return _decoder.decode(text)
    except (ValueError, RecursionError) as exc:
        raise Rejected(RejectReason.NOT_JSON, str(exc)[:200] or "not JSON") from exc


def _timestamp(raw, now: datetime, *, required: bool) -> datetime:
    if raw is None:
        if required:
            raise Rejected(RejectReason.BAD_TIME, "ts is missing")
        return now.replace(microsecond=now.microsecond // 1000 * 1000)
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise Rejected(RejectReason.BAD_TIME, f"ts must be milliseconds since 1970, not {raw!r}")
    ms = int(raw)
    newest, oldest = _window(now)
    if ms > newest:
        raise Rejected(RejectReason.BAD_TIME, f"ts {ms} is in the future")
    if ms < oldest:
        hint = " (seconds, not milliseconds?)" if ms * 1000 >= oldest else ""
        raise Rejected(RejectReason.BAD_TIME, f"ts {ms} is too old{hint}")
    return EPOCH + timedelta(milliseconds=ms)


_windows: dict[datetime, tuple[int, int]] = {}


def _window(now: datetime) -> tuple[int, int]:
    """(newest, oldest) acceptable ms for a moment; a batch shares its moment."""
    window = _windows.get(now)
    if window is None:
        at = now.timestamp()
        window = (
            int((at + conf.get("INGEST_MAX_FUTURE_SECONDS")) * 1000),
            int((at - conf.get("INGEST_MAX_AGE_DAYS") * 86400) * 1000),
        )
        if len(_windows) > 64:
            _windows.clear()
        _windows[now] = window
    return window


def _number(device: DeviceInfo, key: str, raw) -> float:
    if isinstance(raw, bool):
        value = 1.0 if raw else 0.0
    elif isinstance(raw, int | float) and math.isfinite(raw):
        value = float(raw)
    else:
        raise Rejected(RejectReason.BAD_VALUE, f"{key}: {str(raw)[:40]!r} is not a number")
    spec = device.keys.get(key)
    if not isinstance(spec, dict):
        spec = {"min": 0, "max": 100} if key == "battery" else {}
    low, high = spec.get("min"), spec.get("max")
    if isinstance(low, int | float) and value < low:
        raise Rejected(RejectReason.BAD_VALUE, f"{key}: {value:g} is below {low}")
    if isinstance(high, int | float) and value > high:
        raise Rejected(RejectReason.BAD_VALUE, f"{key}: {value:g} is above {high}")
    return value


def _telemetry(device: DeviceInfo, body, now: datetime) -> Reading:
    if not isinstance(body, dict):
        raise Rejected(RejectReason.BAD_SHAPE, "telemetry must be a JSON object")
    if "values" in body:
        values = body["values"]
        if not isinstance(values, dict):
            raise Rejected(RejectReason.BAD_SHAPE, "values must be an object of key: number")
        extra = set(body) - {"ts", "values"}
        if extra:
            raise Rejected(RejectReason.BAD_SHAPE, f"unexpected fields {sorted(extra)[:5]}")
    else:
        values = {k: v for k, v in body.items() if k != "ts"}
    if not values:
        raise Rejected(RejectReason.BAD_SHAPE, "no values")
    ts = _timestamp(body.get("ts"), now, required=False)
    firmware = None
    out: dict[str, float] = {}
    for key, raw in values.items():
        if key == "firmware":
            if not isinstance(raw, str | int | float) or isinstance(raw, bool):
                raise Rejected(RejectReason.BAD_VALUE, "firmware must be text")
            firmware = str(raw)[:40]
            continue
        if key not in device.keys and key not in REGISTRY_KEYS:
            raise Rejected(RejectReason.UNKNOWN_KEY, f"{key[:40]!r} is not a key of this type")
        out[key] = _number(device, key, raw)
    if not out and firmware is None:
        raise Rejected(RejectReason.BAD_SHAPE, "no values")
    if firmware is not None:
        return DeviceReading(device_id=device.id, ts=ts, values=out, firmware=firmware)
    return Reading(device_id=device.id, ts=ts, values=out)


def _event(device: DeviceInfo, body, now: datetime) -> Event:
    if not isinstance(body, dict):
        raise Rejected(RejectReason.BAD_SHAPE, "an event must be a JSON object")
    event_id = body.get("id")
    if isinstance(event_id, bool) or not isinstance(event_id, str | int) or event_id == "":
        raise Rejected(RejectReason.BAD_SHAPE, "id must be a non-empty text or number")
    event_id = str(event_id)
    if len(event_id) > 64:
        raise Rejected(RejectReason.BAD_SHAPE, "id is longer than 64 characters")
    kind = body.get("type")
    if not isinstance(kind, str) or not kind:
        raise Rejected(RejectReason.BAD_SHAPE, "type must be a non-empty text")
    if kind not in device.events:
        raise Rejected(RejectReason.UNKNOWN_EVENT, f"{kind[:40]!r} is not an event of this type")
    data = body.get("data", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Rejected(RejectReason.BAD_SHAPE, "data must be an object")
    ts = _timestamp(body.get("ts"), now, required=True)
    return Event(device_id=device.id, event_id=event_id, type=kind, ts=ts, data=data)


def _status(device: DeviceInfo, payload: bytes, now: datetime) -> Status:
    text = payload.decode("utf-8", errors="replace").strip().strip('"').strip().lower()
    if text not in ("online", "offline"):
        raise Rejected(
            RejectReason.BAD_SHAPE, f"status must be online or offline, not {text[:20]!r}"
        )
    return Status(device_id=device.id, online=text == "online", ts=now)
