"""One-time codes by SMS: a resident proves a phone number is theirs, without an account.

Six digits, valid ten minutes, five tries; at most one code a minute and five an hour for a
number, twenty an hour from one address. The code goes out through the notification outbox
(the SMS channel); only its hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.accounts.models import PhoneVerification
from community_brain.core import audit
from community_brain.core.errors import InvalidInput
from community_brain.core.identifiers import mask_phone, validate_phone

VALID_FOR = timedelta(minutes=10)
MAX_ATTEMPTS = 5
PER_PHONE_MINUTE, PER_PHONE_HOUR, PER_IP_HOUR = 1, 5, 20


def _hash(phone: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _mobile(raw: str) -> str:
    from django.core.exceptions import ValidationError

    try:
        phone = validate_phone(raw)
    except ValidationError as exc:
        raise InvalidInput.single("phone", " ".join(exc.messages)) from None
    if not phone.startswith("1"):
        raise InvalidInput.single("phone", _("Codes are sent to mobile phones only."))
    return phone


@transaction.atomic
def send_code(raw_phone: str, *, purpose: str = "report", ip: str = "") -> PhoneVerification:
    phone = _mobile(raw_phone)
    now = timezone.now()
    recent = PhoneVerification.objects.filter(created_at__gte=now - timedelta(hours=1))
    if (
        recent.filter(phone=phone, created_at__gte=now - timedelta(minutes=1)).count()
        >= PER_PHONE_MINUTE
    ):
        raise InvalidInput.single("phone", _("A code was just sent; wait a minute."))
    if recent.filter(phone=phone).count() >= PER_PHONE_HOUR or (
        ip and recent.filter(ip=ip).count() >= PER_IP_HOUR
    ):
        raise InvalidInput.single("phone", _("Too many codes asked for; try again later."))
    code = f"{secrets.randbelow(10**6):06d}"
    record = PhoneVerification.objects.create(
        phone=phone,
        code_hash=_hash(phone, code),
        purpose=purpose,
        expires_at=now + VALID_FOR,
        ip=ip[:64],
    )
    from community_brain.notify.services import send_sms

    send_sms(
        phone=phone,
        template="case.code",
        payload={"code": code},
        idempotency_key=f"otp:{record.pk}",
    )
    audit.record("phone.code_sent", record, summary=mask_phone(phone))
    return record


def check_code(raw_phone: str, code: str, *, purpose: str = "report") -> str:
    """The verified phone number, or InvalidInput saying why not. A wrong try is counted
    (committed) before the error is raised."""
    phone = _mobile(raw_phone)
    error = _try(phone, code, purpose)
    if error:
        raise InvalidInput.single("code", error)
    return phone


@transaction.atomic
def _try(phone: str, code: str, purpose: str) -> str:
    record = (
        PhoneVerification.objects.select_for_update()
        .filter(phone=phone, purpose=purpose, verified_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if record is None or record.expires_at < timezone.now():
        return _("The code has expired; ask for a new one.")
    if record.attempts >= MAX_ATTEMPTS:
        return _("Too many wrong tries; ask for a new code.")
    record.attempts += 1
    if not hmac.compare_digest(record.code_hash, _hash(phone, (code or "").strip())):
        record.save(update_fields=["attempts"])
        return _("The code is not right.")
    record.verified_at = timezone.now()
    record.save(update_fields=["attempts", "verified_at"])
    return ""
