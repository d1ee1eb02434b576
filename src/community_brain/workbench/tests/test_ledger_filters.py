"""The ledger's filters added for the overview's tiles: the deadline's day (due_since,
due_until), the latest rating (rating) and the day it was given (rated_since, rated_until).
Dates are local days with both ends included; a value the ledger does not know is ignored."""

from django.http import QueryDict

from community_brain.cases import services
from community_brain.cases.models import Case
from community_brain.cases.queries import ledger
from community_brain.workbench.tests.conftest import at, report_at, then


def codes(params, qs=None):
    filtered, applied = ledger(qs if qs is not None else Case.objects.all(), params)
    return sorted(c.code for c in filtered), applied


def test_due_since_and_due_until_pick_the_deadline_day(world, scene):
    c = scene
    # deadlines: resolved and today 11 March, soon 12 March, late 9 March
    found, applied = codes({"due_since": "2026-03-11", "due_until": "2026-03-11"})
    assert found == sorted([c["today"].code, c["resolved"].code])
    assert applied["due_since"] == applied["due_until"] == "2026-03-11"
    found, _ = codes({"status": "open", "due_since": "2026-03-11", "due_until": "2026-03-11"})
    assert found == [c["today"].code]
    found, _ = codes({"due_until": "2026-03-09"})
    assert c["late"].code in found and c["today"].code not in found
    found, _ = codes({"due_since": "2026-03-12", "due_until": "2026-03-12"})
    assert found == [c["soon"].code]


def test_an_unreadable_date_is_ignored(world, scene):
    everything, _ = codes({})
    found, applied = codes({"due_since": "11/03/2026", "rated_until": "soon"})
    assert found == everything
    assert "due_since" not in applied and "rated_until" not in applied


def test_rating_filters_the_latest_verdict(world, scene, frozen):
    c = scene
    found, applied = codes({"rating": "unsatisfied"})
    assert found == [c["unsatisfied"].code] and applied["rating"] == "unsatisfied"
    then(
        at(2026, 3, 11, 9),
        services.rate,
        c["verified"],
        by=world.users["resident"],
        rating="satisfied",
    )
    assert codes({"rating": "satisfied"})[0] == [c["verified"].code]
    everything, _ = codes({})
    found, applied = codes({"rating": "bogus"})
    assert found == everything and "rating" not in applied


def test_rated_since_and_until_pick_the_day_of_the_rating(world, cats, scene, frozen):
    c, u = scene, world.users  # "unsatisfied" was rated on 10 March
    then(at(2026, 3, 11, 9), services.rate, c["verified"], by=u["resident"], rating="basically")
    february = report_at(
        at(2026, 2, 2, 9), world, cats, by="resident", source="resident_page", building="a1"
    )
    then(at(2026, 2, 2, 10), services.assign, february, by=u["staff"])
    then(at(2026, 2, 3, 9), services.resolve, february, by=u["property"], result="已经修好了")
    then(at(2026, 2, 4, 9), services.verify, february, by=u["staff"])
    then(at(2026, 2, 27, 9), services.rate, february, by=u["resident"], rating="unsatisfied")

    assert codes({"rated_since": "2026-03-11"})[0] == [c["verified"].code]
    assert codes({"rated_since": "2026-03-10", "rated_until": "2026-03-10"})[0] == [
        c["unsatisfied"].code
    ]
    found, applied = codes({"rated_since": "2026-03-01", "rated_until": "2026-03-31"})
    assert found == sorted([c["verified"].code, c["unsatisfied"].code])
    assert (applied["rated_since"], applied["rated_until"]) == ("2026-03-01", "2026-03-31")
    # this month's unsatisfied ratings, as the overview's tile asks
    this_month = {"rating": "unsatisfied", "rated_since": "2026-03-01"}
    assert codes(this_month)[0] == [c["unsatisfied"].code]
    assert codes({"rating": "unsatisfied", "rated_until": "2026-02-28"})[0] == [february.code]


def test_the_filters_combine_with_the_others_and_read_a_query_string(world, scene):
    params = QueryDict("rating=unsatisfied&rated_since=2026-03-01&status=open&compound=")
    found, applied = codes(params)
    assert found == [scene["unsatisfied"].code]  # reopened for redo: open again
    assert applied == {
        "status": "open",
        "rated_since": "2026-03-01",
        "rating": "unsatisfied",
        "sort": "-reported",
    }


def test_the_reported_filters_are_unchanged(world, scene):
    found, applied = codes({"since": "2026-03-11", "until": "2026-03-11"})
    assert found == [scene["today_new"].code]
    assert applied == {"since": "2026-03-11", "until": "2026-03-11", "sort": "-reported"}
