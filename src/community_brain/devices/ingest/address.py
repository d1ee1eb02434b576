"""Where the broker is and what ingest subscribes to; no Django here, so that publishers
and benchmark helpers can use it without settings."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

KINDS = ("telemetry", "event", "status")


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False


def broker_address(url: str) -> BrokerAddress:
    """``mqtt://user:pass@host:1883`` (or ``mqtts://`` for TLS, default port 8883)."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("mqtt", "mqtts", "tcp", "ssl") or not parts.hostname:
        raise ValueError(f"MQTT_URL must look like mqtt://user:password@host:1883, not {url!r}")
    tls = parts.scheme in ("mqtts", "ssl")
    return BrokerAddress(
        host=parts.hostname,
        port=parts.port or (8883 if tls else 1883),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls=tls,
    )


def default_client_id() -> str:
    return f"cb-ingest-{socket.gethostname()}"[:64]


def subscriptions(shared: str | None) -> list[tuple[str, int]]:
    prefix = f"$share/{shared}/" if shared else ""
    return [(f"{prefix}cb/v1/+/{kind}", 1) for kind in KINDS]
