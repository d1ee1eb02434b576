"""Enumerations of the access app (门禁)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    IN = "in", _("in")
    OUT = "out", _("out")
    BOTH = "both", _("in and out")


class GateDeviceKind(models.TextChoices):
    CAMERA = "camera", _("face camera")
    READER = "reader", _("card, PIN or QR reader")


class Purpose(models.TextChoices):
    """What a consent is for. Each purpose is consented to separately, never bundled."""

    FACE_ACCESS = "face_access", _("face recognition at the compound's gates")


class CredentialKind(models.TextChoices):
    FACE = "face", _("face")
    CARD = "card", _("IC card")
    PIN = "pin", _("PIN")
    QR = "qr", _("QR pass")
    MANUAL = "manual", _("opened by the guard")


# The credentials a person carries (face is a template, manual is the guard's act).
CARRIED = (CredentialKind.CARD, CredentialKind.PIN, CredentialKind.QR)


class Decision(models.TextChoices):
    GRANTED = "granted", _("let in")
    DENIED = "denied", _("refused")
    UNKNOWN = "unknown", _("unknown face")
    NO_FACE = "no_face", _("no usable face")


class EventSource(models.TextChoices):
    SERVER = "server", _("matched on the server")
    EDGE = "edge", _("matched at the gate")
    GUARD = "guard", _("the guard")
    SEEDED = "seeded", _("seeded demo data")


class StrangerStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")
    VISITOR = "visitor", _("a registered visitor")
    ENROL = "enrol", _("a resident to enrol")


STRANGER_TRANSITIONS = {
    StrangerStatus.OPEN: {StrangerStatus.RESOLVED, StrangerStatus.VISITOR, StrangerStatus.ENROL},
    StrangerStatus.RESOLVED: set(),
    StrangerStatus.VISITOR: set(),
    StrangerStatus.ENROL: set(),
}
