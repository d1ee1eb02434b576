"""The register as people use it, in headless Chromium: signing in in Chinese, browsing,
searching, registering a member; a grid worker on a phone-sized screen."""

import pytest

from community_brain.conftest import artifacts_dir, sign_in

pytestmark = pytest.mark.browser


def test_staff_browse_search_and_register_a_member(live_server, live_world, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    base = live_server.url
    sign_in(page, base, "staff")
    assert page.locator("[data-count=households]").inner_text() == "3"
    assert "登录" not in page.title()
    page.click("text=小区")
    page.click("text=甲小区")
    page.wait_for_selector("canvas")  # the age chart is drawn
    page.goto(f"{base}/register/residents/")
    page.fill("input[name=q]", "wa")
    page.click("form.toolbar button[type=submit]")
    assert page.locator("table.list tbody tr").count() == 3
    page.screenshot(path=str(artifacts_dir() / "register-residents-1366.png"), full_page=True)

    household = live_world.households["a1"]
    page.goto(f"{base}/register/households/{household.pk}/")
    page.click("text=添加成员")
    page.fill("#id_name", "王小宝")
    page.fill("#id_id_number", "370322201506070019")  # wrong check digit
    page.click("button:has-text('保存')")
    assert "校验位错误" in page.inner_text("form.stacked")
    from community_brain.testing import make_id_number

    page.fill("#id_id_number", make_id_number("20150607", 11))
    page.select_option("#id_relation", "child")
    page.click("button:has-text('保存')")
    page.wait_for_url(f"{base}/register/households/{household.pk}/")
    assert "王小宝" in page.inner_text("table.list")
    assert "已登记" in page.inner_text(".messages")


def test_grid_worker_on_a_phone(live_server, live_world, browser):
    page = browser.new_page(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    base = live_server.url
    sign_in(page, base, "grid")
    body = page.inner_text("body")
    assert "需要关照的人" in body
    # the page fits the phone: nothing wider than the viewport
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.fill("input[name=q]", "李a1")
    page.click("button:has-text('搜索')")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1 and "李a1芳" in rows.first.inner_text()
    page.screenshot(path=str(artifacts_dir() / "grid-worker-phone.png"), full_page=True)
    # another grid's household is not there for her
    other = live_world.households["b1"]
    assert page.goto(f"{base}/register/households/{other.pk}/").status == 404
