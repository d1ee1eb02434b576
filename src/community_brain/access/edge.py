"""Edge mode (边缘比对): a gate box keeps its compound's template set in a local encrypted
cache, synced from the server, matches faces there, and sends the server events only — so
templates stay on the device, as the Measures (Art. 8) prefer.

The cache file is sealed under a key derived from the gate device's token; a sync that finds
a new version replaces the whole set, so a withdrawn resident's template leaves the cache at
the next sync. ``brain gate`` runs this loop; tests drive ``EdgeGate`` with a transport that
calls the server in-process."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from community_brain.access.edge_payload import PURPOSE
from community_brain.access.recognition import FaceEngine, TemplateIndex
from community_brain.access.recognition.index import DEFAULT_THRESHOLD
from community_brain.core.crypto import seal_for, token_hash, unseal_for

logger = logging.getLogger(__name__)
CACHE_PURPOSE = "gate-cache"


class HttpTransport:
    """JSON over HTTP(S) to the server, with the gate device's token."""

    def __init__(self, base: str, token: str, timeout: float = 10.0):
        self.base, self.token, self.timeout = base.rstrip("/"), token, timeout

    def request(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read() or b"{}")


class TemplateCache:
    """The local cache: one file, sealed under the device token's key."""

    def __init__(self, path: Path | str, token: str):
        self.path, self.token = Path(path), token

    def load(self) -> tuple[int | None, TemplateIndex]:
        if not self.path.is_file():
            return None, TemplateIndex()
        try:
            blob = unseal_for(self.token, self.path.read_text("ascii"), CACHE_PURPOSE)
            state = json.loads(blob)
            index = TemplateIndex.from_bytes(bytes.fromhex(state["index"]))
        except (ValueError, KeyError, OSError) as exc:
            logger.warning("gate cache %s unreadable (%s): starting empty", self.path, exc)
            return None, TemplateIndex()
        return int(state["version"]), index

    def save(self, version: int, index: TemplateIndex) -> None:
        blob = json.dumps({"version": version, "index": index.to_bytes().hex()}).encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".gate-cache-")
        with os.fdopen(fd, "w") as out:
            out.write(seal_for(self.token, blob, CACHE_PURPOSE))
        os.replace(tmp, self.path)  # never a half-written cache

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass
class EdgeGate:
    transport: object
    cache: TemplateCache
    threshold: float = DEFAULT_THRESHOLD
    engine: FaceEngine = field(default_factory=FaceEngine)
    pending: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self.version, self.index = self.cache.load()

    def sync(self) -> bool:
        """Fetch the set if the server has a new version; True if the cache changed."""
        since = f"?since={self.version}" if self.version is not None else ""
        answer = self.transport.request("GET", f"/api/v1/access/templates{since}")
        if answer.get("unchanged"):
            return False
        raw = unseal_for(token_hash(self.cache.token), answer["sealed"], PURPOSE)
        index = TemplateIndex.from_bytes(raw)
        self.cache.save(int(answer["version"]), index)
        self.version, self.index = int(answer["version"]), index
        if answer.get("threshold"):
            self.threshold = float(answer["threshold"])  # the compound's setting wins
        return True

    def match(self, frame: bytes, *, direction: str = "in", at: datetime | None = None) -> dict:
        """Decide locally and queue the event for the server."""
        from django.utils import timezone

        decision = self.engine.recognise(frame, self.index, self.threshold)
        event = {
            "id": uuid.uuid4().hex,
            "at": (at or timezone.now()).isoformat(),
            "kind": "face",
            "direction": direction,
        }
        if decision.face is None:
            event.update(decision="no_face", reason=str(decision.reason))
        elif decision.owner is not None:
            event.update(
                decision="granted",
                resident=decision.owner,
                similarity=round(decision.match.similarity, 4),
            )
        else:
            event.update(
                decision="unknown",
                similarity=round(decision.match.similarity, 4),
                embedding=[round(float(x), 6) for x in decision.face.embedding],
            )
        self.pending.append(event)
        return event

    def flush(self) -> int:
        """Post the queued events; those the server took leave the queue."""
        if not self.pending:
            return 0
        batch = list(self.pending)
        try:
            self.transport.request("POST", "/api/v1/access-events", {"events": batch})
        except (urllib.error.URLError, OSError) as exc:
            logger.warning("events not posted, kept for the next try: %s", exc)
            return 0
        del self.pending[: len(batch)]
        return len(batch)
