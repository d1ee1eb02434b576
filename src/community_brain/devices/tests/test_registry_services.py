"""Registry writes: the catalogue, devices, tokens and rules — validated with the forms (errors
name the field), permission-checked and audited."""

import pytest
from django.core.exceptions import PermissionDenied

from community_brain.core.errors import InvalidInput
from community_brain.core.models import AuditLog
from community_brain.devices import catalogue, services
from community_brain.devices.models import Device, DeviceType, Rule
from community_brain.devices.tests.registry import make_devices


def test_the_catalogue_has_twelve_types_with_default_rules_and_is_idempotent(db):
    services.ensure_catalogue()
    assert DeviceType.objects.count() == 12
    rules = Rule.objects.count()
    for spec in catalogue.TYPES:
        kind = DeviceType.objects.get(code=spec.code)
        assert "battery" in kind.keys
        assert set(spec.keys) <= set(kind.keys)
        assert kind.rules.filter(trigger="offline", minutes=30, severity="warning").exists()
    gas = Rule.objects.get(device_type__code="gas_detector", trigger="threshold")
    assert (gas.key, gas.operator, gas.threshold, gas.hold_seconds, gas.severity) == (
        "gas",
        "gt",
        25,
        10,
        "critical",
    )
    pressure = Rule.objects.get(device_type__code="fire_main_pressure", trigger="threshold")
    assert (pressure.threshold, pressure.clear_threshold, pressure.hold_seconds) == (0.15, 0.2, 60)
    old = Rule.objects.get(device_type__code="elderly_activity", trigger="inactivity")
    assert (old.minutes, old.severity, old.notify_on_call) == (720, "major", True)
    old.severity = "critical"
    old.save()
    services.ensure_catalogue()
    assert Rule.objects.count() == rules
    assert Rule.objects.get(pk=old.pk).severity == "critical"  # an edit is kept


def test_staff_register_a_device_and_errors_name_the_field(world):
    services.ensure_catalogue()
    smoke = DeviceType.objects.get(code="smoke_detector")
    data = {
        "code": "CA-SMK-0201",
        "name": "2号楼烟感",
        "type": smoke.pk,
        "compound": world.compounds["a"].pk,
        "building": world.buildings["a2"].pk,
        "is_active": "on",
    }
    device = services.create_device(by=world.users["staff"], data=data)
    assert device.building == world.buildings["a2"]
    assert AuditLog.objects.filter(action="device.create", object_id=str(device.pk)).exists()

    with pytest.raises(InvalidInput) as bad:
        services.create_device(
            by=world.users["staff"],
            data={**data, "code": "CA SMK/1", "building": world.buildings["b1"].pk},
        )
    assert set(bad.value.field_errors) == {"code", "building"}
    assert "小区" in bad.value.field_errors["building"][0]

    with pytest.raises(InvalidInput) as elsewhere:  # property staff of 甲 only
        services.create_device(
            by=world.users["property"],
            data={**data, "code": "CB-SMK-0201", "compound": world.compounds["b"].pk},
        )
    assert "compound" in elsewhere.value.field_errors
    with pytest.raises(PermissionDenied):
        services.create_device(by=world.users["resident"], data=data)

    updated = services.update_device(
        device, by=world.users["property"], data={**data, "firmware": "2.0"}
    )
    assert updated.firmware == "2.0"
    log = AuditLog.objects.get(action="device.update")
    assert log.data == {"firmware": ["", "2.0"]}


def test_a_token_is_shown_once_kept_hashed_and_rotated(world):
    device = make_devices(world)["CA-SMK-0101"]
    raw = services.issue_token(device, by=world.users["staff"])
    device.refresh_from_db()
    assert raw.startswith("dv_") and device.token_matches(raw)
    assert raw not in device.token_hash and device.token_hint == raw[-6:]
    again = services.issue_token(device, by=world.users["property"])
    device.refresh_from_db()
    assert device.token_matches(again) and not device.token_matches(raw)
    actions = list(
        AuditLog.objects.filter(object_type="devices.device", object_id=str(device.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["device.token.issue", "device.token.rotate"]
    with pytest.raises(PermissionDenied):
        services.issue_token(device, by=world.users["grid"])  # grid workers only look
    with pytest.raises(PermissionDenied):
        services.issue_token(make_devices_b(world), by=world.users["property"])


def make_devices_b(world):
    return Device.objects.get(code="CB-SMK-0101")


RULE = {
    "name": "二号楼燃气",
    "trigger": "threshold",
    "key": "gas",
    "operator": "gt",
    "threshold": "20",
    "hold_seconds": "5",
    "alarm_type": "gas_leak",
    "severity": "critical",
    "is_active": "on",
    "notify_on_call": "on",
}


def test_rule_form_errors_name_each_field(world):
    make_devices(world)
    gas = DeviceType.objects.get(code="gas_detector")
    staff = world.users["staff"]

    def errors(**changes):
        data = {**RULE, "device_type": gas.pk, **changes}
        with pytest.raises(InvalidInput) as exc:
            services.create_rule(by=staff, data=data)
        return exc.value.field_errors

    assert set(errors(key="", operator="", threshold="")) == {"key", "operator", "threshold"}
    assert "smoke" in errors(key="smoke")["key"][0] or "gas" in errors(key="smoke")["key"][0]
    event = errors(trigger="event", event_type="smoke_alarm")
    assert "gas_alarm" in event["event_type"][0]
    assert set(errors(trigger="offline")) == {"minutes"}
    assert set(errors(active_from="22:00")) == {"active_until"}
    assert set(errors(open_case="on")) == {"category"}
    assert set(errors(device_type="")) == {"device_type"}
    smoke_device = Device.objects.get(code="CA-SMK-0101")
    assert set(errors(device=smoke_device.pk)) == {"device"}

    rule = services.create_rule(by=staff, data={**RULE, "device_type": gas.pk})
    assert AuditLog.objects.filter(action="rule.create", object_id=str(rule.pk)).exists()
    services.update_rule(rule, by=staff, data={**RULE, "device_type": gas.pk, "threshold": "30"})
    assert Rule.objects.get(pk=rule.pk).threshold == 30
    assert AuditLog.objects.get(action="rule.update").data == {"threshold": [20.0, 30.0]}


def test_property_staff_set_rules_only_in_their_compounds(world):
    make_devices(world)
    gas = DeviceType.objects.get(code="gas_detector")
    prop = world.users["property"]
    with pytest.raises(InvalidInput) as everywhere:
        services.create_rule(by=prop, data={**RULE, "device_type": gas.pk})
    assert set(everywhere.value.field_errors) == {"compound"}
    with pytest.raises(InvalidInput) as other:
        services.create_rule(
            by=prop, data={**RULE, "device_type": gas.pk, "compound": world.compounds["b"].pk}
        )
    assert set(other.value.field_errors) == {"compound"}
    rule = services.create_rule(
        by=prop, data={**RULE, "device_type": gas.pk, "compound": world.compounds["a"].pk}
    )
    assert rule.compound == world.compounds["a"]
    type_wide = Rule.objects.get(device_type=gas, trigger="threshold", compound__isnull=True)
    with pytest.raises(PermissionDenied):
        services.update_rule(type_wide, by=prop, data={**RULE, "device_type": gas.pk})
    visible = set(services.rules_visible_to(prop).values_list("pk", flat=True))
    assert {rule.pk, type_wide.pk} <= visible
    assert not services.rules_visible_to(world.users["contractor"]).exists()
