"""A resident signs up for an activity on a phone (390×844) in headless Chromium and gets
the check-in code; the last place taken, the next resident goes on the waiting list."""

from __future__ import annotations

import pytest
import time_machine

from community_brain.activities import events
from community_brain.activities.models import Signup
from community_brain.activities.tests.conftest import make_rooms
from community_brain.conftest import artifacts_dir, sign_in

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@time_machine.travel("2026-11-25 10:00 +0800", tick=True)
def test_a_resident_signs_up_on_a_phone(browser, live_server, live_world):
    world = live_world
    make_rooms(world)
    activity = events.create(
        by=world.users["staff"],
        community=world.community,
        data={
            "kind": "clinic",
            "title": "社区义诊",
            "starts_at": "2026-11-28 09:00",
            "ends_at": "2026-11-28 11:00",
            "room": "elders",
            "capacity": 1,
        },
    )
    base = live_server.url
    page = browser.new_context(**PHONE).new_page()
    sign_in(page, base, "resident")
    page.goto(f"{base}/activities/")
    page.click(f"[data-activity='{activity.pk}']")
    page.click("#sign-up button[type=submit]")
    page.wait_for_selector("[data-my-signup=confirmed]")
    assert page.locator("[data-my-signup] svg").count() == 1  # the check-in code
    assert page.inner_text("[data-confirmed]") == "1/1"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    page.screenshot(path=str(artifacts_dir() / "activity-sign-up-phone.png"), full_page=True)
    assert Signup.objects.get().user == world.users["resident"]

    staff = browser.new_context(**PHONE).new_page()
    sign_in(staff, base, "staff")
    staff.goto(f"{base}/activities/{activity.pk}/")
    staff.fill("[name=name]", "张大爷")
    staff.click("form.stacked button[type=submit]")
    staff.wait_for_selector("[data-waiting]")
    assert staff.inner_text("[data-waiting]") == "1"
