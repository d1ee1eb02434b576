"""HTTP ingest for devices that cannot speak MQTT: ``POST /ingest/v1/<device_code>/<kind>``
(``kind`` is telemetry, event or status) with the body MQTT would carry and the device's own
token in ``Authorization: Bearer dv_…`` (issued on the device's page, or
``services.issue_token``).

Answers 202 ``{"status": "accepted"}`` once the message is stored (a replay is accepted and
stores nothing new), 400 ``{"reason", "detail"}`` when it is refused, 401 for a missing or
wrong token, 413 over ``INGEST_MAX_PAYLOAD``. Every refusal is counted in ``IngestReject`` with
its reason. CSRF-exempt: devices have no session; the token is the credential.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from community_brain.devices.choices import RejectReason
from community_brain.devices.ingest import conf as ingest_conf
from community_brain.devices.models import Device

log = logging.getLogger(__name__)

KINDS = ("telemetry", "event", "status")


def max_bytes() -> int:
    """The same limit as MQTT ingest's (read each time here, so a test may change it)."""
    return int(getattr(settings, "INGEST_MAX_PAYLOAD", ingest_conf.DEFAULTS["INGEST_MAX_PAYLOAD"]))


def count_reject(device_code: str, reason: str, detail: str, payload: bytes = b"") -> None:
    """Add one to the count of refused messages of this device and reason."""
    from community_brain.devices.ingest.parse import Rejected
    from community_brain.devices.ingest.store import count_rejects

    count_rejects([(device_code, Rejected(reason, detail), payload)])


def _error(status: int, reason: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"status": "rejected", "reason": reason, "detail": detail},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _bearer(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@csrf_exempt
@require_POST
def receive(request, device_code: str, kind: str):
    if kind not in KINDS:
        return _error(404, "unknown_kind", f"kind must be one of {', '.join(KINDS)}")
    length = int(request.headers.get("Content-Length") or 0)
    if length > max_bytes():
        count_reject(device_code, RejectReason.TOO_LARGE, f"{length} bytes")
        return _error(413, RejectReason.TOO_LARGE, f"at most {max_bytes()} bytes")
    body = request.body
    if len(body) > max_bytes():
        count_reject(device_code, RejectReason.TOO_LARGE, f"{len(body)} bytes", body[:2000])
        return _error(413, RejectReason.TOO_LARGE, f"at most {max_bytes()} bytes")
    device = Device.objects.filter(code=device_code).only("token_hash").first()
    if device is None or not device.token_matches(_bearer(request)):
        # An unknown device answers as a wrong token does: codes are not to be probed.
        count_reject(device_code, RejectReason.BAD_TOKEN, "missing or wrong token", body)
        response = _error(401, RejectReason.BAD_TOKEN, "send Authorization: Bearer <device token>")
        response["WWW-Authenticate"] = 'Bearer realm="device ingest"'
        return response
    from community_brain.devices import ingest
    from community_brain.devices.ingest.parse import Rejected

    try:
        ingest.accept_one(kind, device_code, body)
    except Rejected as exc:
        return _error(400, str(exc.reason), exc.detail)
    return JsonResponse({"status": "accepted"}, status=202)
