"""The device pages and the devices API: they render for staff, are scoped for property staff
(another compound's devices are not there), tokens are shown once, a rule can be tried
before it is saved, and alarms are acknowledged and cleared with a reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community_brain.devices.models import Alarm, Device, DeviceType, Rule, Telemetry
from community_brain.devices.tests.registry import make_devices


@pytest.fixture
def devices(world):
    devices = make_devices(world)
    now = timezone.now()
    Telemetry.objects.bulk_create(
        Telemetry(device=devices["CA-GAS-0101"], key="gas", ts=now - timedelta(minutes=m), value=v)
        for m, v in ((50, 2.0), (40, 30.0), (39, 31.0), (38, 32.0), (10, 3.0))
    )
    return devices


def _alarm(device, type="smoke", severity="critical", **kw):
    now = timezone.now()
    return Alarm.objects.create(
        device=device, type=type, severity=severity, started_at=now, last_seen_at=now, **kw
    )


def test_pages_render_for_staff(world, devices, login):
    client = login(world.users["staff"])
    page = client.get("/devices/").content.decode()
    assert all(code in page for code in devices)
    assert 'data-chart="online-data"' in page
    assert "CA-FMP-0001" not in client.get("/devices/?online=1").content.decode()
    detail = client.get("/devices/CA-GAS-0101/").content.decode()
    assert 'data-key="gas"' in detail and "<strong>3</strong>" in detail
    assert 'id="chart-gas"' in detail
    assert "可燃气体浓度超标" in detail  # the type's default rule
    _alarm(devices["CA-SMK-0101"])
    alarms = client.get("/alarms/").content.decode()
    assert 'data-severity="critical"' in alarms and "CA-SMK-0101" in alarms
    assert client.get("/devices/rules/").status_code == 200
    assert client.get("/").status_code == 200


def test_property_staff_see_only_their_compound(world, devices, login, api_client):
    client = login(world.users["property"])
    page = client.get("/devices/").content.decode()
    assert "CA-SMK-0101" in page and "CB-SMK-0101" not in page
    assert client.get("/devices/CB-SMK-0101/").status_code == 404
    theirs = _alarm(devices["CB-SMK-0101"])
    assert "CB-SMK-0101" not in client.get("/alarms/").content.decode()
    assert client.post(f"/alarms/{theirs.pk}/acknowledge/").status_code == 404

    api = api_client(world.users["property"])
    listed = api.get("/api/v1/devices").json()
    assert listed["count"] == 3
    assert {d["code"] for d in listed["items"]} == {"CA-SMK-0101", "CA-GAS-0101", "CA-FMP-0001"}
    assert api.get("/api/v1/devices/CB-SMK-0101").status_code == 404
    assert api.get("/api/v1/alarms").json()["count"] == 0
    assert api.post(f"/api/v1/alarms/{theirs.pk}/acknowledge").status_code == 404
    assert api_client(world.users["contractor"]).get("/api/v1/devices").status_code == 403
    assert login(world.users["contractor"]).get("/devices/").status_code == 403


def test_the_api_lists_filters_and_answers_alarm_actions(world, devices, api_client):
    api = api_client(world.users["staff"])
    assert api.get("/api/v1/devices").json()["count"] == 4
    assert api.get("/api/v1/devices?compound=CB").json()["count"] == 1
    assert api.get("/api/v1/devices?type=smoke_detector").json()["count"] == 2
    assert api.get("/api/v1/devices?online=false").json()["count"] == 1
    one = api.get("/api/v1/devices/CA-GAS-0101").json()
    gas = next(v for v in one["latest"] if v["key"] == "gas")
    assert gas["value"] == 3.0 and gas["unit"] == "%LEL"

    old = _alarm(devices["CA-GAS-0101"], type="gas_leak", severity="major")
    old.cleared_at = timezone.now()
    old.save()
    active = _alarm(devices["CA-SMK-0101"])
    items = api.get("/api/v1/alarms").json()["items"]
    assert [a["id"] for a in items] == [active.pk, old.pk]  # active first
    assert api.get("/api/v1/alarms?active=true").json()["count"] == 1
    assert api.get("/api/v1/alarms?severity=major").json()["count"] == 1
    assert api.get(f"/api/v1/alarms?compound={world.compounds['b'].pk}").json()["count"] == 0

    acked = api.post(f"/api/v1/alarms/{active.pk}/acknowledge").json()
    assert acked["acknowledged_at"] and acked["active"]
    refused = api.post(
        f"/api/v1/alarms/{active.pk}/clear", data={"reason": ""}, content_type="application/json"
    )
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    cleared = api.post(
        f"/api/v1/alarms/{active.pk}/clear",
        data={"reason": "误报，已现场查看"},
        content_type="application/json",
    ).json()
    assert cleared["active"] is False
    grid = api_client(world.users["grid"])  # grid workers see, and may not act
    assert grid.post(f"/api/v1/alarms/{old.pk}/acknowledge").status_code == 403


def test_alarms_are_acknowledged_and_cleared_on_the_page(world, devices, login):
    client = login(world.users["property"])
    alarm = _alarm(devices["CA-SMK-0101"])
    page = client.get("/alarms/").content.decode()
    assert f'action="/alarms/{alarm.pk}/acknowledge/"' in page
    client.post(f"/alarms/{alarm.pk}/acknowledge/")
    response = client.post(f"/alarms/{alarm.pk}/clear/", {"reason": ""}, follow=True)
    assert "reason" in response.content.decode() or "原因" in response.content.decode()
    client.post(f"/alarms/{alarm.pk}/clear/", {"reason": "误报"})
    alarm.refresh_from_db()
    assert alarm.acknowledged_by == world.users["property"] and alarm.cleared_at


def test_a_token_is_shown_once_on_the_page(world, devices, login):
    client = login(world.users["staff"])
    page = client.post("/devices/CA-SMK-0101/token/").content.decode()
    device = Device.objects.get(code="CA-SMK-0101")
    start = page.index("dv_")
    raw = page[start : page.index("<", start)]
    assert device.token_matches(raw)
    assert raw not in client.get("/devices/CA-SMK-0101/").content.decode()
    grid = login(world.users["grid"])
    assert grid.post("/devices/CA-SMK-0101/token/").status_code == 403


def test_a_rule_is_tried_against_the_last_day_before_it_is_saved(world, devices, login):
    client = login(world.users["staff"])
    gas = DeviceType.objects.get(code="gas_detector")
    data = {
        "name": "燃气浓度超20",
        "device_type": gas.pk,
        "trigger": "threshold",
        "key": "gas",
        "operator": "gt",
        "threshold": "20",
        "hold_seconds": "60",
        "alarm_type": "gas_test",
        "severity": "major",
        "is_active": "on",
    }
    before = Rule.objects.count()
    tried = client.post("/devices/rules/new/", {**data, "try": "1"}).content.decode()
    assert 'data-tried="1"' in tried and "测试CA-GAS-0101" in tried
    assert Rule.objects.count() == before
    bad = client.post("/devices/rules/new/", {**data, "key": "smoke", "try": "1"}).content.decode()
    assert 'data-field="key"' in bad and "errorlist" in bad and "data-tried" not in bad
    saved = client.post("/devices/rules/new/", {**data, "save": "1"})
    assert saved.status_code == 302
    rule = Rule.objects.get(name="燃气浓度超20")
    assert client.get(f"/devices/rules/{rule.pk}/").status_code == 200
    assert login(world.users["grid"]).get(f"/devices/rules/{rule.pk}/").status_code == 403


@pytest.mark.browser
def test_the_pages_in_a_browser_on_desk_and_phone(live_world, live_server, browser):
    from community_brain.conftest import artifacts_dir, sign_in

    devices = make_devices(live_world)
    now = timezone.now()
    Telemetry.objects.bulk_create(
        Telemetry(
            device=devices["CA-GAS-0101"], key="gas", ts=now - timedelta(minutes=m), value=2 + m % 7
        )
        for m in range(0, 24 * 60, 15)
    )
    _alarm(devices["CA-SMK-0101"])
    _alarm(devices["CA-GAS-0101"], type="gas_leak", severity="major")
    for width, height in ((1366, 900), (390, 844)):
        page = browser.new_page(viewport={"width": width, "height": height})
        sign_in(page, live_server.url, "staff")
        for path, name in (
            ("/devices/", "list"),
            ("/devices/CA-GAS-0101/", "detail"),
            ("/alarms/", "alarms"),
            ("/devices/rules/", "rules"),
        ):
            page.goto(live_server.url + path)
            if "data-chart" in page.content():
                page.wait_for_selector("[data-chart] canvas")
            page.screenshot(path=artifacts_dir() / f"devices-{name}-{width}.png", full_page=True)
        assert "烟感" in page.content() or "rules" in page.url
        page.close()
