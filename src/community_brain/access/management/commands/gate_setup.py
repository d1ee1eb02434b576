"""``brain gate-setup``: add a gate to a compound with its camera and reader, through the
same audited services as everything else, and print each device's token (shown once) for
the gate box's ``brain gate`` configuration."""

from django.core.management.base import BaseCommand, CommandError

from community_brain.accounts.models import User
from community_brain.core.context import acting
from community_brain.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Add a gate with a camera and/or a reader to a compound; prints the device tokens."

    def add_arguments(self, parser):
        parser.add_argument("--compound", required=True, help="compound code, e.g. HXS")
        parser.add_argument("--code", required=True, help="gate code, e.g. hxs-west")
        parser.add_argument("--name", required=True, help="e.g. 西门")
        parser.add_argument("--direction", default="both", choices=["in", "out", "both"])
        parser.add_argument("--camera", help="device code of the gate's camera")
        parser.add_argument("--reader", help="device code of the gate's card/QR reader")
        parser.add_argument("--as", dest="username", default="admin", help="acting user")

    def handle(self, *args, compound, code, name, direction, camera, reader, username, **o):
        from community_brain.access.services import gates
        from community_brain.places.models import Compound

        by = User.objects.filter(username=username).first()
        place = Compound.objects.filter(code__iexact=compound).first()
        if by is None or place is None:
            raise CommandError(f"no user {username!r} or no compound {compound!r}")
        try:
            with acting("cli"):
                gate = gates.create_gate(
                    place, by=by, data={"code": code, "name": name, "direction": direction}
                )
                for kind, device_code in (("camera", camera), ("reader", reader)):
                    if device_code:
                        device, token = gates.add_device(gate, by=by, kind=kind, code=device_code)
                        self.stdout.write(f"{kind} {device.device.code} token: {token}\n")
        except InvalidInput as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"gate {gate.code} ({gate}) added to {place}\n")
