"""Residents report without an account (a code by SMS through the outbox), follow and rate
their case; grid workers log visits and raise cases from the field diary."""

import re

import pytest

from community_brain.cases.models import Case, DiaryEntry
from community_brain.notify.channels.sms import LoggingSmsBackend

PHONE = "13953399999"


@pytest.fixture
def sms(settings, django_capture_on_commit_callbacks):
    LoggingSmsBackend.outbox.clear()
    return LoggingSmsBackend.outbox


def _verify(client, sms, capture, path="/public/report/"):
    with capture(execute=True):
        client.post(path, {"step": "phone", "phone": PHONE})
    assert sms, "a code was sent"
    phone, text = sms[-1]
    assert phone == PHONE
    code = re.search(r"\b(\d{6})\b", text).group(1)
    client.post(
        path, {"step": "code", "phone": PHONE, "code": "000000" if code != "000000" else "111111"}
    )
    return client.post(path, {"step": "code", "phone": PHONE, "code": code})


def test_a_resident_reports_follows_and_rates(
    world, cats, client, sms, django_capture_on_commit_callbacks
):
    page = client.get("/public/report/").content.decode()
    assert "发送验证码" in page or "Send me a code" in page
    response = _verify(client, sms, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    response = client.post(
        "/public/report/",
        {
            "step": "report",
            "category": cats["repair"].pk,
            "compound": world.compounds["a"].pk,
            "title": "单元门禁坏了三天",
            "description": "刷卡没反应",
            "client_token": "t-1",
        },
    )
    case = Case.objects.get()
    assert response["Location"] == f"/public/cases/{case.code}/"
    assert case.source == "resident_page" and case.reporter_phone == PHONE
    assert case.status == "reported"
    # the same form sent twice stores one case
    client.post(
        "/public/report/",
        {
            "step": "report",
            "category": cats["repair"].pk,
            "compound": world.compounds["a"].pk,
            "title": "单元门禁坏了三天",
            "client_token": "t-1",
        },
    )
    assert Case.objects.count() == 1
    # the tracking page is public and shows no personal data
    anonymous = client.__class__()
    body = anonymous.get(f"/public/cases/{case.code}/").content.decode()
    assert case.code in body and PHONE not in body and PHONE[-4:] not in body
    # staff handle it; the resident rates it from the tracking page
    from community_brain.cases import services

    services.assign(case, by=world.users["staff"])
    services.resolve(case, by=world.users["property"], result="已更换读卡器")
    services.verify(case, by=world.users["staff"])
    assert "data-rate" in client.get(f"/public/cases/{case.code}/").content.decode()
    assert "data-rate" not in anonymous.get(f"/public/cases/{case.code}/").content.decode()
    anonymous.post(f"/public/cases/{case.code}/rate/", {"rating": "unsatisfied"})
    case.refresh_from_db()
    assert case.status == "verified"  # a stranger cannot rate it
    client.post(f"/public/cases/{case.code}/rate/", {"rating": "satisfied", "comment": "好"})
    case.refresh_from_db()
    assert case.status == "closed" and case.rating == "satisfied"


def test_wrong_codes_are_counted_and_limited(
    world, client, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/public/report/", {"step": "phone", "phone": PHONE})
    for _ in range(5):
        page = client.post(
            "/public/report/", {"step": "code", "phone": PHONE, "code": "999999x"}
        ).content.decode()
    assert "发送验证码" not in page  # still on the code step
    code = re.search(r"\b(\d{6})\b", sms[-1][1]).group(1)
    page = client.post("/public/report/", {"step": "code", "phone": PHONE, "code": code})
    assert page.status_code == 200  # five wrong tries used it up
    from community_brain.accounts.models import PhoneVerification

    assert PhoneVerification.objects.get().attempts == 5
    # and a second code within the minute is refused
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/public/report/", {"step": "phone", "phone": PHONE})
    assert len(sms) == 1


def test_the_field_diary_logs_once_and_raises_a_case(world, cats, login):
    client = login(world.users["grid"])
    household = world.households["a1"]
    assert client.get("/cases/diary/").status_code == 200
    post = {
        "household": household.pk,
        "topic": "独居老人探访",
        "notes": "身体尚好",
        "client_token": "visit-1",
    }
    client.post("/cases/diary/", post)
    client.post("/cases/diary/", post)  # resent after a lost connection
    assert DiaryEntry.objects.count() == 1
    response = client.post(
        "/cases/diary/",
        {
            "household": household.pk,
            "topic": "楼道灯坏了",
            "notes": "三楼到五楼都不亮",
            "client_token": "visit-2",
            "raise_case": "1",
            "category": cats["repair"].pk,
        },
    )
    assert response.status_code == 302
    entry = DiaryEntry.objects.get(client_token="visit-2")
    case = entry.case
    assert case.source == "field_diary" and case.household == household
    assert case.status == "assigned" and case.organisation == world.orgs["prop_a"]
    # another grid's household is refused, naming the field
    other = client.post(
        "/cases/diary/",
        {"household": world.households["b1"].pk, "topic": "走访", "client_token": "visit-3"},
    )
    assert other.status_code == 200 and DiaryEntry.objects.count() == 2
    assert login(world.users["property"]).get("/cases/diary/").status_code == 403


def test_the_public_tracking_page_keeps_free_text_to_the_reporter(world, cats, client):
    """Case numbers run in sequence, so anyone can open a tracking page: what people wrote
    (names, door numbers, phone numbers) is shown only to the reporter's verified phone."""
    from community_brain.cases import services
    from community_brain.cases.choices import Source

    case = services.report(
        by=None,
        source=Source.RESIDENT_PAGE,
        data={
            "title": "楼上漏水严重",
            "description": "请联系302室李阿姨13905331234",
            "category": cats["repair"].pk,
            "compound": world.compounds["a"].pk,
            "reporter_phone": "13905330001",
        },
    )
    body = client.get(f"/public/cases/{case.code}/").content.decode()
    assert case.code in body and "13905331234" not in body and "李阿姨" not in body
