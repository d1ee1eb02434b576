"""The workbenches on a 375 px phone, in headless Chromium: nothing spills sideways, the
"log a visit" button spans the screen, overdue rows carry the red marker. Screenshots go to
test-artifacts/."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from community_brain.cases import sweep
from community_brain.conftest import artifacts_dir
from community_brain.conftest import sign_in as browser_sign_in
from community_brain.testing import make_case_setup, report_case

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 375, "height": 812},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


def phone(browser, base, username):
    return browser_sign_in(browser.new_context(**PHONE).new_page(), base, username)


def test_the_workbenches_fit_a_375_px_phone(live_server, live_world, browser):
    world, base = live_world, live_server.url
    cats = make_case_setup(world)
    with time_machine.travel(timezone.now() - timedelta(days=20), tick=False):
        report_case(world, cats, building="a1", title="楼道灯坏了很久，晚上老人上下楼看不清台阶")
    report_case(world, cats, category="noise", building="a1", title="楼上装修噪音")
    report_case(world, cats, building="a1", title="单元门禁坏了")
    sweep.sweep()

    grid = phone(browser, base, "grid")
    grid.goto(f"{base}/workbench/")
    assert grid.url.endswith("/workbench/grid/")
    assert grid.locator("#overdue .wb-case.late .wb-marker").count() == 1
    button = grid.locator("[data-log-visit]").bounding_box()
    assert button["width"] >= 375 - 2 * 16 and button["height"] >= 44
    assert grid.evaluate("document.documentElement.scrollWidth") <= 375
    grid.screenshot(path=str(artifacts_dir() / "workbench-grid-375.png"), full_page=True)

    for who, path, name in (
        ("property", "/workbench/inbox/", "inbox"),
        ("staff", "/workbench/overview/", "overview"),
    ):
        page = phone(browser, base, who)
        page.goto(f"{base}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
        page.screenshot(path=str(artifacts_dir() / f"workbench-{name}-375.png"), full_page=True)
        desk = browser_sign_in(
            browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page(),
            base,
            who,
        )
        desk.goto(f"{base}{path}")
        desk.screenshot(path=str(artifacts_dir() / f"workbench-{name}-1366.png"), full_page=True)
