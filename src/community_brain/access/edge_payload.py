"""What the server sends an edge gate: its compound's template set, versioned, sealed under
a key derived from the gate device's token (the server keeps only the token's hash, and the
gate can compute it), so the set is never readable in transit or by another device. Every
send reads the templates and is audited."""

from __future__ import annotations

from community_brain.access import matcher
from community_brain.access.services.privacy import template_version
from community_brain.core import audit
from community_brain.core.crypto import seal_for

PURPOSE = "gate-templates"


def for_device(gate_device, *, since: int | None = None) -> dict:
    compound_id = gate_device.gate.compound_id
    version = template_version(compound_id)
    if since is not None and since == version:
        return {"version": version, "unchanged": True}
    index = matcher.build_index(compound_id, reason=f"edge sync {gate_device.device.code}")
    sealed = seal_for(gate_device.device.token_hash, index.to_bytes(), PURPOSE)
    audit.record(
        "access.templates_synced",
        gate_device,
        summary=f"{gate_device.device.code} v{version} ({len(index.owners())})",
        data={"version": version, "residents": len(index.owners()), "compound": compound_id},
    )
    from community_brain.access.services.privacy import settings_for

    return {
        "version": version,
        "unchanged": False,
        "threshold": settings_for(gate_device.gate.compound).threshold,
        "compound": compound_id,
        "residents": len(index.owners()),
        "sealed": sealed,
    }
