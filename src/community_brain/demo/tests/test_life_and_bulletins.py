"""The demo's community life and a year of bulletins, consistent with its ledger: a
fortnight's bulletin names exactly the cases solved in that fortnight; once published, its
public page counts one reader for ten reloads and none for a crawler; rooms are booked
without overlaps; volunteers have hours; seeding twice adds nothing."""

from datetime import date
from itertools import pairwise

import pytest
import time_machine
from django.test import Client

from community_brain.activities.models import Activity, Booking, Room, Volunteer
from community_brain.bulletins import drafting, reach
from community_brain.bulletins.models import Issue
from community_brain.demo import bulletins, history, life, register
from community_brain.demo import cases as demo_cases

PHONE = "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36 MicroMessenger/8.0.47"


@pytest.mark.slow
@time_machine.travel("2026-11-25 20:00 +0800", tick=False)
def test_a_year_of_bulletins_from_the_demo_ledger(db):
    register.seed()
    demo_cases.seed()
    history.seed()
    assert life.seed()["activities"] > 40
    made = bulletins.seed()
    assert made["issues"] == 25 and made["published"] == 24

    issue = Issue.objects.get(period_start=date(2026, 9, 1))
    solved = drafting.solved_cases(issue.community, issue.period_start, issue.period_end)
    titles = list(solved.values_list("title", flat=True))
    assert titles, "the demo ledger solves cases every fortnight"
    drafted = issue.sections.get(kind="community")
    assert [c["title"] for c in drafted.facts["solved"]] == titles
    for title in titles[: drafting.MAX_LISTED]:
        assert title in drafted.body
    for case in solved:
        assert (
            issue.period_start <= case.resolved_at.astimezone(history.SH).date() <= issue.period_end
        )

    before = reach.totals(issue)[0]
    assert before > 5000
    reader = Client(HTTP_USER_AGENT=PHONE)
    for _ in range(10):
        assert reader.get(f"/public/bulletins/{issue.slug}/").status_code == 200
    Client(HTTP_USER_AGENT="Mozilla/5.0 (compatible; Baiduspider/2.0)").get(
        f"/public/bulletins/{issue.slug}/"
    )
    assert reach.totals(issue)[0] == before + 1
    assert Issue.objects.filter(status="draft").count() == 1

    for room in Room.objects.all():
        bookings = list(Booking.objects.active().filter(room=room).order_by("starts_at"))
        assert all(a.ends_at <= b.starts_at for a, b in pairwise(bookings))
    assert Volunteer.objects.filter(records__isnull=False).distinct().count() >= 10
    assert Activity.objects.filter(kind="festival").exists()
    assert life.seed() == {} and bulletins.seed() == {}
