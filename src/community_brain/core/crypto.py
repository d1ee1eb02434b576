"""Encryption at rest for personal data, and blind indexes to look encrypted values up.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256). ``FIELD_ENCRYPTION_KEY`` may list
several comma-separated keys: the first encrypts, all decrypt (key rotation). A blind index is
an HMAC of the normalised plaintext under a key derived separately, so equal values can be
found and kept unique without decrypting anything.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


def _derive(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(k, "fernet"))) for k in parts])


def encrypt(plaintext: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt: wrong FIELD_ENCRYPTION_KEY or damaged value") from exc


def blind_index(value: str, purpose: str) -> str:
    primary = settings.FIELD_ENCRYPTION_KEY.split(",")[0].strip()
    key = _derive(primary, f"blind-index:{purpose}")
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:40]


def token_hash(raw: str) -> str:
    """What is stored of a bearer token (API or device): its SHA-256, never the token."""
    return hashlib.sha256(raw.encode()).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column that holds only ciphertext; Python code sees the plaintext."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in {"isnull"}:
            raise TypeError(
                f"encrypted fields cannot be filtered with '{lookup_name}'; use the blind index"
            )
        return super().get_lookup(lookup_name)


def seal_for(secret: str, data: bytes, purpose: str) -> str:
    """``data`` encrypted under a key derived from ``secret`` (not the field key): for what
    travels to, or is kept by, a device that knows ``secret`` but never the field key."""
    key = base64.urlsafe_b64encode(_derive(secret, f"sealed-for:{purpose}"))
    return Fernet(key).encrypt(data).decode("ascii")


def unseal_for(secret: str, token: str, purpose: str) -> bytes:
    """What ``seal_for`` was given; ValueError for a wrong secret or a damaged token."""
    key = base64.urlsafe_b64encode(_derive(secret, f"sealed-for:{purpose}"))
    try:
        return Fernet(key).decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError) as exc:
        raise ValueError("cannot decrypt: wrong secret or damaged data") from exc
