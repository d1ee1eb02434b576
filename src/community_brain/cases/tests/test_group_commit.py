"""Reports written together (group commit) come out exactly as reports written one by one:
numbered in order, routed, dispatched, on the timeline, with their notices; replays and
duplicates inside a batch make one case."""

import threading

import pytest
from django.db import connection

from community_brain.cases.models import Case, CaseEvent
from community_brain.cases.services import intake
from community_brain.notify.models import Notice
from community_brain.testing import report_case


def draft(world, cats, *, token="", category="repair", compound="a", by="staff", title=None):
    return intake.prepare(
        by=world.users[by],
        data={
            "title": title or f"楼道灯坏了{token or '很久'}",
            "category": cats[category].pk,
            "compound": world.compounds[compound].pk,
            "description": "晚上很黑",
        },
        source="staff",
        client_token=token,
    )


def shape(case):
    """What must not depend on how the case was written."""
    events = list(case.events.order_by("id").values_list("kind", "from_status", "to_status"))
    notices = sorted(
        Notice.objects.filter(idempotency_key__startswith=f"case:{case.pk}:").values_list(
            "recipient__username", "channel", "template"
        )
    )
    return (
        case.status,
        case.organisation_id,
        case.routed_to_id,
        case.respond_by - case.reported_at,
        case.resolve_by.date() - case.reported_at.date(),
        list(case.participants.values_list("organisation_id", "role")),
        events,
        notices,
    )


def test_a_batch_writes_what_single_reports_write(world, cats):
    alone = report_case(world, cats, title="楼道灯坏了很久")
    batch = intake.report_many(
        [
            draft(world, cats, category="repair"),
            draft(world, cats, category="road", compound="b"),
            draft(world, cats, category="noise"),
        ]
    )
    assert all(isinstance(c, Case) and c.pk for c in batch)
    assert [c.code[-6:] for c in [alone, *batch]] == ["000001", "000002", "000003", "000004"]
    stored = Case.objects.get(pk=batch[0].pk)
    expected = Case.objects.get(pk=alone.pk)
    assert shape(stored)[:6] == shape(expected)[:6]
    assert [k for k, _f, _t in shape(stored)[6]] == ["reported", "assigned"]
    assert {t for _u, _c, t in shape(stored)[7]} == {"case.assigned"}
    assert len(shape(stored)[7]) == len(shape(expected)[7]) > 0
    assert Case.objects.get(pk=batch[1].pk).organisation == world.orgs["dept"]
    assert Case.objects.get(pk=batch[2].pk).organisation == world.orgs["committee"]
    request_ids = CaseEvent.objects.filter(case_id__in=[c.pk for c in batch]).values_list(
        "data__channel", flat=True
    )
    assert set(request_ids) == {"system"}


def test_replays_and_duplicates_in_a_batch_make_one_case_each(world, cats):
    [first] = intake.report_many([draft(world, cats, token="t-1")])
    results = intake.report_many(
        [
            draft(world, cats, token="t-1"),  # replay of an earlier batch
            draft(world, cats, token="t-2"),
            draft(world, cats, token="t-2"),  # the same report twice in one batch
        ]
    )
    assert results[0].pk == first.pk
    assert results[1].pk == results[2].pk
    assert Case.objects.count() == 2
    assert CaseEvent.objects.filter(case=results[1], kind="reported").count() == 1


def test_a_new_batch_is_numbered_and_checked_for_replays_in_one_statement(world, cats):
    from django.test.utils import CaptureQueriesContext

    # The year's very first batch: no counter yet, so it is numbered the long way.
    first = intake.report_many([draft(world, cats, token="n-1"), draft(world, cats, token="n-2")])
    assert [c.code[-6:] for c in first] == ["000001", "000002"]
    with CaptureQueriesContext(connection) as queries:
        later = intake.report_many([draft(world, cats, token="n-3"), draft(world, cats)])
    assert [c.code[-6:] for c in later] == ["000003", "000004"]
    before_insert = []
    for query in queries.captured_queries:
        if query["sql"].startswith("INSERT"):
            break
        before_insert.append(query["sql"])
    numbering = [sql for sql in before_insert if "cases_casecounter" in sql]
    assert len(numbering) == 1 and "NOT EXISTS" in numbering[0]
    assert not [sql for sql in before_insert if sql.startswith('SELECT "id" FROM "cases_case"')]
    # A replay among new reports: nothing is numbered for it, and no number is skipped.
    again = intake.report_many([draft(world, cats, token="n-3"), draft(world, cats, token="n-5")])
    assert again[0].pk == later[0].pk
    assert again[1].code[-6:] == "000005"


def test_a_batch_that_races_a_replay_falls_back_to_one_write_each(world, cats, monkeypatch):
    [first] = intake.report_many([draft(world, cats, token="race")])
    # As if the other copy committed between the token check and the write.
    monkeypatch.setattr(intake, "_known_tokens", lambda drafts: {})
    results = intake.report_many(
        [draft(world, cats, token="race"), draft(world, cats, token="other")]
    )
    assert results[0].pk == first.pk
    assert isinstance(results[1], Case) and results[1].pk != first.pk
    assert Case.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_share_batches_and_lose_nothing(settings):
    if connection.vendor != "postgresql":
        pytest.skip("threads share SQLite's in-memory test database; the PostgreSQL run covers it")
    from community_brain.testing import make_case_setup, make_world

    world = make_world()
    cats = make_case_setup(world)
    settings.CASES_GROUP_COMMIT = True
    before = (intake._group.batches, intake._group.items)
    errors, cases = [], []

    def reporter(n):
        try:
            for i in range(10):
                cases.append(report_case(world, cats, title=f"第{n}组第{i}个问题", category="road"))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reporter, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    codes = sorted(c.code for c in cases)
    assert len(set(codes)) == 60 == Case.objects.count()
    assert codes[-1].endswith("000060")  # no gaps: every batch committed
    assert CaseEvent.objects.filter(kind="assigned").count() == 60
    batches = intake._group.batches - before[0]
    assert intake._group.items - before[1] == 60 and batches <= 60


def test_choices_come_from_the_snapshot_until_a_view_narrows_them(world, cats):
    from community_brain.cases.forms import CaseReportForm
    from community_brain.places.models import Compound

    data = {
        "title": "楼道灯坏了",
        "category": cats["repair"].pk,
        "compound": world.compounds["b"].pk,
    }
    assert CaseReportForm(data=data).is_valid()
    assert "category" in CaseReportForm(data={**data, "category": 999999}).errors
    narrowed = CaseReportForm(data=data)
    narrowed.fields["compound"].queryset = Compound.objects.filter(pk=world.compounds["a"].pk)
    assert "compound" in narrowed.errors
    cats["repair"].is_active = False
    cats["repair"].save()  # the edit reaches the snapshot at once
    assert "category" in CaseReportForm(data=data).errors


def test_the_paths_promised_to_the_group_commit_are_the_reporting_views():
    from django.urls import resolve

    from community_brain.cases.middleware import REPORTING_PATHS

    # /api/v1/cases: GET lists, POST reports (one path, named after the list)
    names = {(resolve(path).namespace, resolve(path).url_name) for path in REPORTING_PATHS}
    assert names == {("api", "list_cases"), ("open311", "requests")}


def test_no_promise_outlives_its_request(world, cats, api_client, settings):
    settings.CASES_GROUP_COMMIT = True
    c = api_client(world.users["staff"])
    body = {
        "title": "消防通道被占用",
        "category": cats["property"].pk,
        "compound": world.compounds["a"].pk,
    }
    assert c.post("/api/v1/cases", body, content_type="application/json").status_code == 201
    refused = c.post("/api/v1/cases", {"title": "x"}, content_type="application/json")
    assert refused.status_code == 400
    forbidden = api_client(world.users["property"]).post(
        "/api/v1/cases", body, content_type="application/json"
    )
    assert forbidden.status_code == 403
    assert intake._group._expected == 0
