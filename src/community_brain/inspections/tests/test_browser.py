"""Defect-period inspection in headless Chromium, on a phone-sized screen where the
inspectors use it: a round with three findings (a half-typed one survives a reload), the
ledger, a notice drafted, issued, acknowledged, replied to and closed off, its PDF, and the
termination certificate refused while a defect is open, then issued."""

from __future__ import annotations

import io

import pytest
import time_machine

from community_brain.conftest import artifacts_dir, sign_in
from community_brain.inspections.models import Finding, Notice

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "defect.jpg"
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 60, 40)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def _finding(page, i: int, stake: str, defect: str, description: str) -> None:
    block = page.locator("[data-finding]").nth(i)
    block.locator("[name=f-stake]").fill(stake)
    block.locator("[name=f-defect_type]").select_option(label=defect)
    block.locator("[name=f-description]").fill(description)


@time_machine.travel("2026-11-25 10:00 +0800", tick=True)
def test_a_phone_round_becomes_a_notice_that_is_closed_off(
    browser, live_server, live_road, tmp_path
):
    base = live_server.url
    road = live_road
    out = artifacts_dir()

    inspector = browser.new_context(**PHONE).new_page()
    sign_in(inspector, base, "insp")
    inspector.goto(f"{base}/inspections/g233/rounds/new/")
    inspector.fill("[name=route]", "G233 K0+000~K25+500")
    _finding(inspector, 0, "K3+200", "轮廓标损坏（一般）", "柱式轮廓标被撞断2根")
    inspector.reload()  # a lost connection, a closed tab: the typing is still there
    assert inspector.locator("[data-finding] [name=f-stake]").first.input_value() == "K3+200"
    assert inspector.locator("[name=route]").input_value() == "G233 K0+000~K25+500"
    inspector.locator("[data-finding] [name=f-photos-0]").set_input_files(_photo(tmp_path))
    _finding(inspector, 1, "ZK4+100~+160", "反光膜粘贴不牢（一般）", "标志反光膜起皮")
    _finding(inspector, 2, "K14+500", "坑槽（严重）", "行车道坑槽一处")
    inspector.screenshot(path=str(out / "inspection-round-phone.png"), full_page=True)
    inspector.click("#round-form button[type=submit]")
    inspector.wait_for_selector("[data-finding-row]")
    assert inspector.locator("[data-finding-row]").count() == 3
    assert Finding.objects.count() == 3

    inspector.goto(f"{base}/inspections/g233/ledger/")
    assert inspector.locator("[data-ledger-row]").count() == 3
    for number in ("G233-2026-0001", "G233-2026-0002"):
        inspector.check(f"[data-ledger-row='{number}'] input[name=finding]")
    inspector.fill("[name=requirements]", "损坏的柱式轮廓标须修复；反光膜粘贴不牢固的须处理牢固。")
    inspector.click("#draft-form button[type=submit]")
    inspector.click("[data-action=issue]")
    inspector.wait_for_selector("[data-status=issued]")
    notice = Notice.objects.get()
    pdf = inspector.request.get(f"{base}/inspections/notices/{notice.pk}/paper.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body()[:4] == b"%PDF"

    contractor = browser.new_context(**PHONE).new_page()
    sign_in(contractor, base, "con")
    contractor.goto(f"{base}/inspections/notices/{notice.pk}/")
    contractor.click("[data-action=acknowledge]")
    contractor.wait_for_selector("#reply-form")
    first = Finding.objects.get(number="G233-2026-0001")
    contractor.fill(f"[name=measures-{first.pk}]", "更换柱式轮廓标2根")
    contractor.locator(f"[name=photos-{first.pk}]").set_input_files(_photo(tmp_path))
    contractor.fill("#reply-form [name=text]", "已按要求全部整改完毕，请复查。")
    contractor.click("[data-action=reply]")
    contractor.wait_for_selector("[data-status=replied]")
    contractor.screenshot(path=str(out / "inspection-reply-phone.png"), full_page=True)

    supervisor = browser.new_context().new_page()
    sign_in(supervisor, base, "sup")
    supervisor.goto(f"{base}/inspections/sections/{road.north.pk}/")
    supervisor.click("[data-action=certificate]")
    supervisor.wait_for_selector(".msg-error")
    assert "G233-2026-0001" in supervisor.inner_text(".msg-error")  # refused: still open
    supervisor.goto(f"{base}/inspections/notices/{notice.pk}/")
    supervisor.click("[data-action=recheck]")
    supervisor.wait_for_selector("[data-status=closed]")
    supervisor.goto(f"{base}/inspections/sections/{road.north.pk}/")
    supervisor.click("[data-action=certificate]")
    supervisor.wait_for_selector("text=G233-ZZ-2026-01")
    supervisor.screenshot(path=str(out / "inspection-certificate.png"), full_page=True)
