"""What ingest hands to the rules once a batch is stored: plain, validated facts about known
devices. The MQTT subscriber, the HTTP endpoint and the simulator all produce these, and the
rules engine consumes only these.

Topics (DESIGN.md): ``cb/v1/<device_code>/telemetry`` (``{"ts": <ms, optional>, "values":
{...}}`` or a flat object), ``cb/v1/<device_code>/event`` (``{"id", "type", "ts", "data"}``),
``cb/v1/<device_code>/status`` (``online``/``offline``, retained, the device's last will).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Reading:
    """Telemetry: the values one device reported at one moment."""

    device_id: int
    ts: datetime
    values: dict[str, float]


@dataclass(frozen=True, slots=True)
class Event:
    device_id: int
    event_id: str
    type: str
    ts: datetime
    data: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Status:
    """The device said it is online, or its last will said it is gone."""

    device_id: int
    online: bool
    ts: datetime


Message = Reading | Event | Status
