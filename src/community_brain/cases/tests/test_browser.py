"""The case ledger as people use it, in headless Chromium, against the same walk over the API.

It proves the acceptance criterion: "A case walked through every transition in the browser and
again over the API shows the same timeline; an illegal move is refused with a message naming
the current state."

Three cases are walked by clicking the action forms of the case page — community staff
(``staff``) dispatching and checking, the property company's staff (``property``) handling, a
grid worker (``grid``) reporting — and their twins are walked with the same inputs over
``/api/v1/cases…`` with bearer tokens:

* the main case: reported by staff and dispatched to 甲物业 at once, then paused, resumed,
  started, more time asked for and granted, a co-handler added, returned (退单), assigned
  again, resolved, sent back, resolved, verified, rated, reopened (重办), resolved, verified,
  closed, and a note added;
* a grid worker's report: accepted, transferred (转办), marked a duplicate of the main case;
* another grid worker's report: rejected.

Between them every action of the state machine is taken, each by the person whose right it
is. The timelines (kind, from and to status, actor, message, internal note, visibility and
details) are then compared twin by twin. Last, moves the closed case does not allow — from a
stale tab, from a forged form, over the API — are refused, naming the state: "已结案" on the
page, ``closed`` in the API.
"""

import pytest

from community_brain.accounts.models import ApiToken, Organisation
from community_brain.cases import machine
from community_brain.cases.models import Case, CaseEvent, Category
from community_brain.conftest import artifacts_dir
from community_brain.conftest import sign_in as browser_sign_in
from community_brain.places.models import Compound
from community_brain.testing import make_case_setup

pytestmark = pytest.mark.browser

REPORT = {"description": "晚上很黑，老人上下楼不安全。", "compound": "甲小区"}
MAIN_REPORT = {**REPORT, "title": "楼道灯坏了很久", "category": "物业服务", "source": "staff"}
GRID_REPORT = {**REPORT, "category": "物业服务", "source": "field_diary"}

# (who, action, fields) — organisations by name, the rest as a person types or picks them.
MAIN_WALK = [
    ("property", "pause", {"reason": "住户不在家，约好明天上门"}),
    ("property", "resume", {}),
    ("property", "start", {"note": "师傅已出发"}),
    ("property", "request_extension", {"workdays": "3", "reason": "需要订购配件"}),
    ("staff", "decide_extension", {"approve": "1", "note": "同意延期"}),
    ("staff", "add_co_handler", {"organisation": "街道城管办"}),
    ("property", "return", {"reason": "线路属于公共照明，不归物业"}),
    ("staff", "assign", {"organisation": "甲物业", "note": "经核实属物业维修范围"}),
    ("property", "start", {"note": "再次上门"}),
    ("property", "resolve", {"resolution": "fixed", "result": "更换了楼道灯泡"}),
    ("staff", "send_back", {"reason": "二楼的灯还是不亮"}),
    ("property", "resolve", {"resolution": "fixed", "result": "二楼的灯也换好了"}),
    ("staff", "verify", {"note": "现场查看已亮"}),
    ("staff", "rate", {"rating": "basically", "comment": "回访：基本满意"}),
    ("staff", "reopen", {"reason": "居民反映三楼又不亮了"}),
    ("property", "resolve", {"resolution": "fixed", "result": "三楼声控开关已更换"}),
    ("staff", "verify", {"note": "复查已亮"}),
    ("staff", "close", {"note": "电话回访无人接听"}),
    ("staff", "comment", {"text": "已归档", "public": True}),
]
MAIN_KINDS = [
    "reported",
    "assigned",
    "paused",
    "resumed",
    "started",
    "extension_requested",
    "extension_approved",
    "co_handler_added",
    "returned",
    "assigned",
    "started",
    "resolved",
    "sent_back",
    "resolved",
    "verified",
    "rated",
    "closed",
    "reopened",
    "resolved",
    "verified",
    "closed",
    "commented",
]


def duplicate_walk(main_code):
    return [
        ("staff", "accept", {"note": "已电话核实"}),
        ("staff", "transfer", {"organisation": "街道城管办", "reason": "楼外路灯归城管"}),
        ("staff", "duplicate", {"of": main_code, "reason": "与前一件是同一处灯"}),
    ]


REJECT_WALK = [("staff", "reject", {"reason": "不属于社区职责范围"})]


# --- the browser ------------------------------------------------------------------------


def sign_in(browser, base, username, **options):
    """A page of its own browser context (so its own cookies), signed in as ``username``."""
    options = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN", **options}
    return browser_sign_in(browser.new_context(**options).new_page(), base, username)


def report_in_browser(page, base, title, fields):
    page.goto(f"{base}/cases/new/")
    page.fill("#id_title", title)
    page.fill("#id_description", fields["description"])
    page.select_option("#id_category", label=fields["category"])
    page.select_option("#id_compound", label=fields["compound"])
    page.select_option("#id_source", fields["source"])
    with page.expect_navigation():
        page.click("button:has-text('登记案件')")
    assert "已登记" in page.inner_text(".messages"), page.inner_text("main")
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def act(page, action, **fields):
    """Fill the action's form on the case page and press its button, as a person would."""
    form = page.locator(f"form[data-action='{action}']")
    offered = page.eval_on_selector_all("form[data-action]", "fs => fs.map(f => f.dataset.action)")
    assert form.count() == 1, f"{action} is not offered; the page offers {offered}"
    for name, value in fields.items():
        field = form.locator(f"[name='{action}-{name}']")
        kind = field.first.evaluate("e => e.type")
        if kind == "checkbox":
            field.set_checked(bool(value))
        elif kind == "radio":
            form.locator(f"[name='{action}-{name}'][value='{value}']").check()
        elif kind.startswith("select"):
            field.select_option(value)  # a value or a label
        else:
            field.fill(str(value))
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    messages = page.inner_text(".messages")
    assert "已完成" in messages and page.locator(".msg-error").count() == 0, messages


def walk_in_browser(pages, base, code, steps):
    for who, action, fields in steps:
        page = pages[who]
        page.goto(f"{base}/cases/{code}/")
        act(page, action, **fields)


def status_on_page(page):
    return page.locator("[data-status]").first.get_attribute("data-status")


def act_refused(page, action):
    with page.expect_navigation():
        page.locator(f"form[data-action='{action}'] button[type=submit]").click()
    assert page.locator(".msg-error").count() == 1


def forge_and_post(page, path):
    """Post an action the page does not offer, with the page's own CSRF token."""
    with page.expect_navigation():
        page.evaluate(
            """path => {
                const form = document.createElement('form');
                form.method = 'post';
                form.action = path;
                form.append(document.querySelector('[name=csrfmiddlewaretoken]').cloneNode());
                document.body.append(form);
                form.submit();
            }""",
            path,
        )


# --- the API ----------------------------------------------------------------------------


class Api:
    """Bearer-token calls to the live server's /api/v1/, one token per person."""

    def __init__(self, browser, base, users):
        self.context = browser.new_context()
        self.base = base
        self.tokens = {
            name: ApiToken.issue(users[name], name="browser-test")[1]
            for name in ("staff", "property", "grid")
        }

    def post(self, who, path, body, **headers):
        return self.context.request.post(
            f"{self.base}/api/v1{path}",
            data=body,
            headers={"Authorization": f"Bearer {self.tokens[who]}", **headers},
        )

    def get(self, who, path):
        return self.context.request.get(
            f"{self.base}/api/v1{path}", headers={"Authorization": f"Bearer {self.tokens[who]}"}
        )


def report_over_api(api, who, title, fields, key):
    body = {
        "title": title,
        "description": fields["description"],
        "category": Category.objects.get(name=fields["category"], parent=None).pk,
        "compound": Compound.objects.get(name=fields["compound"]).pk,
        "source": fields["source"],
    }
    response = api.post(who, "/cases", body, **{"Idempotency-Key": key})
    assert response.status == 201, response.text()
    return response.json()["code"]


def walk_over_api(api, code, steps):
    for who, action, fields in steps:
        body = dict(fields)
        if "organisation" in body:
            body["organisation"] = Organisation.objects.get(name=body["organisation"]).pk
        response = api.post(who, f"/cases/{code}/actions/{action}", body)
        assert response.status == 200, f"{action}: {response.text()}"


# --- comparing --------------------------------------------------------------------------


# What differs between twins by nature: the channel and request, the pk of a request for more
# time, deadlines computed from the moment of reporting, the number of the case duplicated.
VOLATILE = {"channel", "request_id", "request", "resolve_by", "of", "of_code"}


def timeline(code):
    """What happened, by whom, in whose words, with what details — no times, no channel."""
    return [
        (
            e.kind,
            e.from_status,
            e.to_status,
            e.actor.username if e.actor else "",
            e.message,
            e.note,
            e.public,
            {k: v for k, v in e.data.items() if k not in VOLATILE},
        )
        for e in CaseEvent.objects.filter(case__code=code).select_related("actor")
    ]


def api_timeline(api, code):
    response = api.get("staff", f"/cases/{code}/timeline")
    assert response.status == 200, response.text()
    return [
        (e["kind"], e["from_status"], e["to_status"], e["actor"], e["message"], e["public"])
        for e in response.json()
    ]


# --- the test ---------------------------------------------------------------------------


@pytest.fixture
def live_cats(live_world):
    return make_case_setup(live_world)


def test_every_transition_in_the_browser_and_over_the_api_gives_the_same_timeline(
    live_server, live_world, live_cats, browser
):
    base = live_server.url
    walks = [MAIN_WALK, duplicate_walk("?"), REJECT_WALK]
    taken = {action for steps in walks for _who, action, _fields in steps}
    assert taken == set(machine.TRANSITIONS) | {"comment"}, "every action is walked"

    # In the browser.
    pages = {name: sign_in(browser, base, name) for name in ("staff", "property", "grid")}
    staff = pages["staff"]
    main = report_in_browser(staff, base, MAIN_REPORT["title"], MAIN_REPORT)
    assert status_on_page(staff) == "assigned"  # dispatched at once…
    assert "甲物业" in staff.inner_text("dl.kv")  # …to the compound's property company
    walk_in_browser(pages, base, main, MAIN_WALK[:5])
    staff.screenshot(path=str(artifacts_dir() / "cases-working-1366.png"), full_page=True)
    walk_in_browser(pages, base, main, MAIN_WALK[5:-2])
    stale = staff.context.new_page()  # a second tab, left open on the verified case
    stale.goto(f"{base}/cases/{main}/")
    walk_in_browser(pages, base, main, MAIN_WALK[-2:])
    assert status_on_page(staff) == "closed"

    dup = report_in_browser(pages["grid"], base, "楼门口路灯不亮", GRID_REPORT)
    staff.goto(f"{base}/cases/{dup}/")
    assert status_on_page(staff) == "reported"  # a grid worker's report waits for triage
    walk_in_browser(pages, base, dup, duplicate_walk(main))
    rejected = report_in_browser(pages["grid"], base, "小区外墙广告太多", GRID_REPORT)
    walk_in_browser(pages, base, rejected, REJECT_WALK)

    # The same walks over the API.
    api = Api(browser, base, live_world.users)
    api_main = report_over_api(api, "staff", MAIN_REPORT["title"], MAIN_REPORT, "main-1")
    assert report_over_api(api, "staff", MAIN_REPORT["title"], MAIN_REPORT, "main-1") == api_main
    walk_over_api(api, api_main, MAIN_WALK)
    api_dup = report_over_api(api, "grid", "楼门口路灯不亮", GRID_REPORT, "dup-1")
    walk_over_api(api, api_dup, duplicate_walk(api_main))
    api_rejected = report_over_api(api, "grid", "小区外墙广告太多", GRID_REPORT, "rej-1")
    walk_over_api(api, api_rejected, REJECT_WALK)

    # The same timelines.
    kinds = {code: [event[0] for event in timeline(code)] for code in (main, dup, rejected)}
    assert kinds[main] == MAIN_KINDS
    assert kinds[dup] == ["reported", "accepted", "transferred", "duplicate"]
    assert kinds[rejected] == ["reported", "rejected"]
    for in_browser, over_api in ((main, api_main), (dup, api_dup), (rejected, api_rejected)):
        assert timeline(in_browser) == timeline(over_api)
        assert api_timeline(api, in_browser) == api_timeline(api, over_api)
    statuses = dict(Case.objects.values_list("code", "status"))
    assert [statuses[c] for c in (main, dup, rejected)] == ["closed", "duplicate", "rejected"]
    assert [statuses[c] for c in (api_main, api_dup, api_rejected)] == [
        "closed",
        "duplicate",
        "rejected",
    ]

    # Illegal moves, refused with the current state named.
    before = len(timeline(main))
    act_refused(stale, "close")  # the stale tab still offers 'close'
    stale.screenshot(path=str(artifacts_dir() / "cases-refused-1366.png"), full_page=True)
    assert "当前无法操作" in stale.inner_text(".messages")
    assert "已结案" in stale.inner_text(".messages")
    staff.goto(f"{base}/cases/{main}/")
    assert staff.locator("form[data-action=verify]").count() == 0  # not offered…
    forge_and_post(staff, f"/cases/{main}/act/verify/")  # …so forged
    assert "当前无法操作：案件状态为“已结案”" in staff.inner_text(".messages")
    response = api.post("staff", f"/cases/{api_main}/actions/verify", {})
    assert response.status == 409
    assert response.json()["current"] == "closed" and "closed" in response.json()["detail"]
    assert len(timeline(main)) == before and status_on_page(staff) == "closed"

    # How the case page looks after all that, on a desktop and on a phone.
    staff.goto(f"{base}/cases/{main}/")
    staff.screenshot(path=str(artifacts_dir() / "cases-detail-1366.png"), full_page=True)
    phone = sign_in(
        browser,
        base,
        "staff",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    phone.goto(f"{base}/cases/{main}/")
    assert phone.locator("[data-status=closed]").first.inner_text() == "已结案"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing spills over
    phone.screenshot(path=str(artifacts_dir() / "cases-detail-390.png"), full_page=True)
