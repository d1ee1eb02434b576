"""The inbox and the rota as people use them, in headless Chromium: the bell's count, reading
and acknowledging an alarm, the month calendar on a desktop and a phone."""

import pytest

from community_brain.conftest import artifacts_dir, sign_in
from community_brain.notify import services

pytestmark = pytest.mark.browser


def test_the_bell_the_inbox_and_acknowledging(live_server, live_crew, browser):
    crew = live_crew
    services.alert(
        organisation=crew.org,
        template="alarm.raised",
        payload={"place": "甲小区3号楼", "title": "烟感报警", "detail": "2单元5层"},
        idempotency_key="alarm:browser",
    )
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    sign_in(page, live_server.url, "lee")
    assert page.locator(".inbox-link [data-unread]").inner_text() == "1"
    page.click(".inbox-link")
    page.click("text=Alarm at 甲小区3号楼")
    page.screenshot(path=str(artifacts_dir() / "notify-alarm-1366.png"), full_page=True)
    page.click("button:has-text('Acknowledge')")
    assert page.locator(".badge.green").first.inner_text() == "acknowledged"
    assert page.locator(".inbox-link [data-unread]").count() == 0


def test_the_rota_calendar_on_a_desktop_and_a_phone(live_server, live_crew, browser):
    crew = live_crew
    for day in range(1, 8):
        crew.shift(crew.alice, f"2026-10-0{day}T08:00", f"2026-10-0{day}T18:00", order=1)
        crew.shift(crew.bob, f"2026-10-0{day}T18:00", f"2026-10-0{day + 1}T08:00", order=1)
        crew.shift(crew.carol, f"2026-10-0{day}T08:00", f"2026-10-0{day + 1}T08:00", order=2)
    for width, height in ((1366, 900), (390, 844)):
        page = browser.new_page(viewport={"width": width, "height": height})
        sign_in(page, live_server.url, "lee")
        page.goto(f"{live_server.url}/notices/rota/?organisation={crew.org.pk}&month=2026-10")
        assert page.locator(".rota-calendar .shift").count() >= 21
        page.screenshot(path=str(artifacts_dir() / f"notify-rota-{width}.png"), full_page=True)
        page.close()
