"""``brain gate-setup`` adds a gate and its devices through the services and prints tokens."""

import io

import pytest
from django.core.management import CommandError, call_command

from community_brain.access.models import Gate, GateDevice
from community_brain.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_a_gate_is_set_up_from_the_command_line(world):
    admin = world.users["admin"]
    compound = next(iter(world.compounds.values()))
    out = io.StringIO()
    call_command(
        "gate_setup",
        compound=compound.code,
        code="west",
        name="西门",
        camera="W-CAM-1",
        reader="W-RDR-1",
        username=admin.username,
        stdout=out,
    )
    text = out.getvalue()
    assert "camera W-CAM-1 token:" in text and "reader W-RDR-1 token:" in text
    gate = Gate.objects.get(code="west")
    assert GateDevice.objects.filter(gate=gate).count() == 2
    assert AuditLog.objects.filter(action="access.gate_created").exists()
    with pytest.raises(CommandError):
        call_command("gate_setup", compound=compound.code, code="west", name="西门", stdout=out)
