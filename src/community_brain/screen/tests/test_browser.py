"""The big screen in headless Chromium: every panel drawn with data, a new alarm shown
without a reload, and screenshots at 1920×1080 and 1366×768 (in test-artifacts/)."""

import pytest
from django.utils import timezone

from community_brain.conftest import artifacts_dir, sign_in

pytestmark = pytest.mark.browser

PANELS = ["kpis", "rates", "duty", "map", "feed", "alarms", "categories", "devices"]
CHARTS = ["trend", "map", "categories", "devices"]


def test_the_screen_is_alive(live_scene, live_server, browser):
    from community_brain.devices.alarms import raise_alarm

    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, live_server.url, "staff")
    page.goto(f"{live_server.url}/screen/")
    page.wait_for_selector("#stage[data-loaded]", state="attached", timeout=15000)
    page.wait_for_selector('#live[data-state="open"]', state="attached", timeout=10000)

    for panel in PANELS:
        assert page.locator(f'[data-panel="{panel}"]').is_visible(), panel
    for chart in CHARTS:  # ECharts drew on a canvas of the panel's size
        box = page.locator(f"#{chart} canvas").first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 80, chart
    tiles = dict(
        page.eval_on_selector_all("[data-kpi]", "ts => ts.map(t => [t.dataset.kpi, t.dataset.n])")
    )
    assert tiles["open"] == "4" and tiles["alarms"] == "2" and tiles["overdue"] == "1"
    assert page.locator("#ticker li[data-alarm]").count() == 2
    assert page.locator("#duty li b").count() == 1  # who is on duty now
    assert page.locator('[data-rate="response"] b').inner_text().endswith("%")
    page.screenshot(path=str(artifacts_dir() / "screen-1920x1080.png"))

    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    alarm, _created = raise_alarm(live_scene["devices"][1], "smoke", "critical", at=timezone.now())
    page.wait_for_selector(f'#ticker li[data-alarm="{alarm.pk}"]', timeout=3000)
    assert page.evaluate("window.__sameDocument") is True
    assert "烟感1" in page.locator("#feed").inner_text()
    page.wait_for_selector('[data-kpi="alarms"][data-n="3"]', state="attached", timeout=5000)

    page.set_viewport_size({"width": 1366, "height": 768})
    page.wait_for_timeout(500)
    stage = page.locator("#stage").bounding_box()
    assert abs(stage["width"] - 1366) < 2 and abs(stage["height"] - 768) < 2
    page.screenshot(path=str(artifacts_dir() / "screen-1366x768.png"))
    assert errors == []
