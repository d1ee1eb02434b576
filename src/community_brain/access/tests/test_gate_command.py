"""``brain gate --once``: sync, match a frame, post the event — through the server in-process."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from community_brain.access.models import AccessEvent

from .conftest import gate_frame
from .test_edge import ClientTransport


def test_brain_gate_once_syncs_matches_and_posts(world, site, faces, tmp_path, monkeypatch):
    monkeypatch.setattr(
        "community_brain.access.management.commands.gate.HttpTransport",
        lambda base, token: ClientTransport(token),
    )
    frame = tmp_path / "frame.jpg"
    frame.write_bytes(gate_frame("biden.jpg"))
    out = StringIO()
    call_command(
        "gate",
        "--server=http://testserver",
        f"--token={site['camera_token']}",
        f"--cache={tmp_path / 'cache'}",
        f"--frame={frame}",
        "--once",
        stdout=out,
    )
    assert "templates v0" in out.getvalue() and '"unknown"' in out.getvalue()
    assert AccessEvent.objects.get().source == "edge"
    assert (tmp_path / "cache").is_file()
