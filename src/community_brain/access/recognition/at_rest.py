"""Templates and indexes encrypted at rest with the project's field key (``core.crypto``,
Fernet): ``seal`` the bytes of a ``Template`` or ``TemplateIndex`` before storing or shipping
them, ``unseal`` them after. Needs Django's settings; the rest of the engine does not."""

from __future__ import annotations

import base64


def seal(data: bytes) -> str:
    from community_brain.core.crypto import encrypt

    return encrypt(base64.b64encode(data).decode("ascii"))


def unseal(token: str) -> bytes:
    """The bytes ``seal`` was given; ValueError for a wrong key or a damaged token."""
    from community_brain.core.crypto import decrypt

    return base64.b64decode(decrypt(token), validate=True)
