"""The registry's device types for gates (a face camera, a card/PIN/QR reader) and the rule
that turns a stranger alert into an alarm and a case (source ``gate_alert``). Names are
Chinese: they are data, like the devices catalogue's."""

from __future__ import annotations

from community_brain.devices.choices import Severity, Trigger
from community_brain.devices.models import DeviceType, Rule

CAMERA = "gate_camera"
READER = "gate_reader"
DEVICE_NAMES = {"camera": "人脸摄像机", "reader": "读卡扫码器"}  # a gate device's default name
STRANGER_EVENT = "stranger"
STRANGER_RULE = "门禁陌生人预警"
ALERT_CATEGORY_CODES = ("safety", "safety-public", "public-security")


def ensure_types() -> dict[str, DeviceType]:
    """The two gate device types and the stranger rule (created once; later only given a
    case category if it had none)."""
    camera, _ = DeviceType.objects.get_or_create(
        code=CAMERA,
        defaults={"name": "门禁人脸摄像机", "keys": {}, "events": [STRANGER_EVENT]},
    )
    reader, _ = DeviceType.objects.get_or_create(
        code=READER, defaults={"name": "门禁读卡/扫码器", "keys": {}, "events": []}
    )
    stranger_rule(camera)
    return {CAMERA: camera, READER: reader}


def stranger_rule(camera: DeviceType | None = None) -> Rule:
    from community_brain.cases.models import Category

    camera = camera or DeviceType.objects.get(code=CAMERA)
    rule = Rule.objects.filter(device_type=camera, name=STRANGER_RULE).first()
    category = Category.objects.filter(code__in=ALERT_CATEGORY_CODES).order_by("code").first()
    if rule is not None and rule.category_id is None and category is not None:
        rule.category = category  # the categories were set up after the gates
        rule.save(update_fields=["category", "updated_at"])
    if rule is None:
        rule = Rule.objects.create(
            name=STRANGER_RULE,
            device_type=camera,
            trigger=Trigger.EVENT,
            event_type=STRANGER_EVENT,
            alarm_type=STRANGER_EVENT,
            severity=Severity.MAJOR,
            open_case=True,
            category=category,
            notify_on_call=True,
        )
    return rule
