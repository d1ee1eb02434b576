"""Notice texts: rendered from the registry with the payload; nothing in a payload can make
rendering fail."""

from django.utils import translation

from community_brain.notify import templates
from community_brain.notify.models import Notice


def test_render_fills_the_payload():
    rendered = templates.render(
        "case.assigned", {"code": "AJ-1", "title": "井盖缺失", "deadline": "2026-10-09"}
    )
    assert rendered.title == "Case AJ-1 assigned to you: 井盖缺失"
    assert rendered.body == "Deadline: 2026-10-09."


def test_missing_unknown_and_odd_keys_never_crash():
    assert templates.render("case.assigned", {}).title == "Case  assigned to you:"
    assert templates.render("case.assigned", None).title == "Case  assigned to you:"
    odd = {"code": None, "title": {"nested": [1, 2]}, "extra": object(), "percent": "x"}
    assert (
        templates.render("case.assigned", odd).title == "Case  assigned to you: {'nested': [1, 2]}"
    )
    assert "x%" in templates.render("case.deadline_near", odd).body


def test_format_specs_attributes_and_broken_texts_are_harmless():
    assert templates.fill("{n:05d}", {"n": "not a number"}) == "not a number"
    assert templates.fill("{n:05d}", {"n": 42}) == "00042"
    assert templates.fill("{x.__class__} {y[0]}", {"x": 1, "y": [1]}) == ""
    assert templates.fill("{0}", {}) == ""
    assert templates.fill("unbalanced {", {}) == "unbalanced {"


def test_unknown_templates_render_their_code_and_payload():
    rendered = templates.render("devices.offline", {"device": "GW-7", "_internal": 1})
    assert rendered == templates.Rendered(title="devices.offline", body="device: GW-7")


def test_register_adds_a_template():
    templates.register("test.hello", "Hello {name}", "")
    try:
        assert templates.render("test.hello", {"name": "王"}).title == "Hello 王"
    finally:
        del templates.TEMPLATES["test.hello"]


def test_escalated_notices_say_so():
    notice = Notice(template="alarm.raised", payload={"place": "东门", "_escalation_step": 2})
    rendered = templates.for_notice(notice, language="en")
    assert rendered.title == "Escalated: Alarm at 东门:"
    assert rendered.body.startswith("Nobody acknowledged it in time")


def test_rendered_in_the_language_asked():
    with translation.override("en"):
        assert templates.render("notify.test", {}).title == "Test message"


def test_moments_read_as_local_time_not_iso():
    for sent in ("2026-11-30T15:59:59+00:00", "2026-11-30T23:59:59+08:00"):
        rendered = templates.render("case.assigned", {"code": "QC-1", "deadline": sent})
        assert rendered.body == "Deadline: 2026-11-30 23:59."
    naive = templates.render("case.assigned", {"deadline": "2026-11-30T23:59:59"})
    assert naive.body == "Deadline: 2026-11-30T23:59:59."  # no zone: left as sent


def test_a_deadline_near_notice_says_how_much_time_is_used(db, monkeypatch):
    from datetime import timedelta

    from community_brain.cases import notices
    from community_brain.cases.models import Case
    from community_brain.core import clock

    now = clock.now()
    case = Case(code="QC-2", title="路灯不亮", reported_at=now - timedelta(hours=9))
    case.resolve_by = now + timedelta(hours=1)
    sent = []
    monkeypatch.setattr(notices, "send", lambda *args, **kwargs: sent.append(kwargs))
    notices.due_soon(case)
    assert sent[0]["percent"] == 90
    body = templates.render("case.deadline_near", {"percent": 90}).body
    assert body.startswith("90% of the time allowed is used")
