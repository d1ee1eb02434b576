"""The gates as their people use them, in headless Chromium: a resident gives consent on her
phone after reading the notice; the community office enrols her from two real photographs;
the gate camera recognises her from a third; she withdraws on her phone and the template is
gone; the guard opens the gate by hand with a reason and sees it on the console."""

from __future__ import annotations

import pytest

from community_brain.access.models import AccessEvent, Consent, FaceTemplate
from community_brain.access.services import gates
from community_brain.conftest import artifacts_dir, sign_in

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_consent_enrolment_recognition_withdrawal_and_the_guard(
    browser, live_server, live_world, faces, tmp_path
):
    from community_brain.access.recognition.tests.conftest import gate_frame

    base, world = live_server.url, live_world
    staff = world.users["staff"]
    gate = gates.create_gate(
        world.compounds["a"], by=staff, data={"code": "a-main", "name": "南门", "direction": "both"}
    )
    _camera, token = gates.add_device(gate, by=staff, kind="camera", code="A-GATE-CAM1")
    resident = world.residents["a1-head"]
    out = artifacts_dir()

    phone = browser.new_context(**PHONE).new_page()
    phone.on("dialog", lambda dialog: dialog.accept())
    sign_in(phone, base, "resident")
    phone.goto(f"{base}/access/consent/")
    card = phone.locator(f"[data-resident='{resident.pk}']")
    card.locator("input[type=checkbox]").check()
    card.locator("button[type=submit]").click()
    phone.wait_for_selector(f"[data-resident='{resident.pk}'] input[name=reason]")
    assert Consent.objects.filter(resident=resident, withdrawn_at__isnull=True).exists()
    phone.screenshot(path=str(out / "access-consent-phone.png"), full_page=True)

    office = browser.new_context().new_page()
    sign_in(office, base, "staff")
    office.goto(f"{base}/access/residents/{resident.pk}/")
    files = []
    for name in ("obama.jpg", "obama2.jpg"):
        path = tmp_path / name
        path.write_bytes(gate_frame(name))
        files.append(str(path))
    office.set_input_files("input[name=photos]", files)
    office.click("button[value=enrol]")
    office.wait_for_selector("button[value=delete_template]")
    assert FaceTemplate.objects.filter(resident=resident).exists()

    response = office.request.post(
        f"{base}/api/v1/access/frames",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "image/jpeg"},
        data=gate_frame("obama3.jpg"),
    )
    assert response.status == 200, response.text()
    assert response.json()["resident_id"] == resident.pk

    phone.goto(f"{base}/access/consent/")
    phone.locator(f"[data-resident='{resident.pk}'] input[name=reason]").fill("不再使用人脸")
    phone.locator(f"[data-resident='{resident.pk}'] button[type=submit]").click()
    phone.wait_for_selector(f"[data-resident='{resident.pk}'] input[type=checkbox]")
    assert not FaceTemplate.objects.filter(resident=resident).exists()

    guard = browser.new_context().new_page()
    sign_in(guard, base, "property")
    guard.goto(f"{base}/access/gates/a-main/")
    guard.fill("input[name=reason]", "居民忘带门禁卡")
    guard.click("form[action$='/open/'] button[type=submit]")
    guard.wait_for_selector("text=居民忘带门禁卡")
    assert AccessEvent.objects.filter(kind="manual", reason="居民忘带门禁卡").exists()
    guard.screenshot(path=str(out / "access-console.png"), full_page=True)
