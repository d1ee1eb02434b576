"""The same walk through the pages and through the API gives the same timeline."""

import io

from PIL import Image

from community_brain.cases.models import Case, CasePhoto
from community_brain.testing import report_case

WALK = ["start", "resolve", "verify", "rate"]


def _steps(world):
    return {
        "start": ("property", {"note": "马上处理"}),
        "resolve": ("property", {"result": "已经更换灯具", "resolution": "fixed"}),
        "verify": ("staff", {"note": "已核实"}),
        "rate": ("staff", {"rating": "basically", "comment": "回访：基本满意"}),
    }


def test_walk_in_the_browser_and_over_the_api_gives_the_same_timeline(
    world, cats, login, api_client
):
    steps = _steps(world)
    page_case = report_case(world, cats, title="页面上的事项")
    for action in WALK:
        who, data = steps[action]
        client = login(world.users[who])
        response = client.post(
            f"/cases/{page_case.code}/act/{action}/", {f"{action}-{k}": v for k, v in data.items()}
        )
        assert response.status_code == 302
        messages = [str(m) for m in response.wsgi_request._messages]
        assert not any("：" in m and "完成" not in m for m in messages), messages

    api_case = report_case(world, cats, title="接口上的事项")
    for action in WALK:
        who, data = steps[action]
        response = api_client(world.users[who]).post(
            f"/api/v1/cases/{api_case.code}/actions/{action}", data, content_type="application/json"
        )
        assert response.status_code == 200, response.content

    page_kinds = list(Case.objects.get(pk=page_case.pk).events.values_list("kind", flat=True))
    api_kinds = list(Case.objects.get(pk=api_case.pk).events.values_list("kind", flat=True))
    assert (
        page_kinds
        == api_kinds
        == ["reported", "assigned", "started", "resolved", "verified", "rated", "closed"]
    )
    timeline = (
        api_client(world.users["staff"]).get(f"/api/v1/cases/{api_case.code}/timeline").json()
    )
    assert timeline[-1]["kind"] == "closed" and timeline[0]["sentence"]


def test_an_illegal_move_is_refused_with_the_current_state(world, cats, login, api_client):
    case = report_case(world, cats)
    response = api_client(world.users["staff"]).post(
        f"/api/v1/cases/{case.code}/actions/verify", {}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["current"] == "assigned"
    client = login(world.users["staff"])
    response = client.post(f"/cases/{case.code}/act/verify/", {}, follow=True)
    assert "案件状态为“已指派”" in response.content.decode()  # the message names the state


def test_report_over_the_api_with_an_idempotency_key(world, cats, api_client):
    c = api_client(world.users["staff"])
    body = {
        "title": "消防通道被占用",
        "category": cats["property"].pk,
        "compound": world.compounds["a"].pk,
    }
    first = c.post(
        "/api/v1/cases", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    again = c.post(
        "/api/v1/cases", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["code"] == again.json()["code"]
    # The replay answers with the case as stored; its times read as the first answer's, in
    # China's time, not in UTC.
    for name in ("reported_at", "respond_by", "resolve_by"):
        assert first.json()[name] == again.json()[name]
        assert first.json()[name].endswith("+08:00")
    bad = c.post(
        "/api/v1/cases",
        {"title": "x", "category": cats["property"].pk},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "title" in bad.json()["errors"]
    assert (
        api_client(world.users["property"])
        .post("/api/v1/cases", body, content_type="application/json")
        .status_code
        == 403
    )


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (800, 600), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = {1: "N", 2: (37.0, 10.0, 12.0), 3: "E", 4: (117.0, 50.0, 30.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photos_lose_their_exif_and_non_images_are_refused(world, cats, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.users["staff"])
    response = client.post(
        "/cases/new/",
        {
            "title": "垃圾桶满了没人清",
            "category": cats["property"].pk,
            "compound": world.compounds["a"].pk,
            "source": "staff",
            "photos": SimpleUploadedFile("p.jpg", _jpeg_with_gps(), content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    photo = CasePhoto.objects.get()
    with Image.open(photo.image.path) as saved:
        assert not saved.getexif()
    assert photo.taken_lat is None
    response = client.post(
        "/cases/new/",
        {
            "title": "再报一个问题",
            "category": cats["property"].pk,
            "compound": world.compounds["a"].pk,
            "photos": SimpleUploadedFile("p.jpg", b"not an image", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200 and Case.objects.count() == 1
    assert "JPEG" in response.content.decode()


def test_ledger_filters_export_and_figures(world, cats, login):
    report_case(world, cats)
    report_case(world, cats, category="road", compound="b")
    client = login(world.users["staff"])
    page = client.get(f"/cases/?category={cats['road'].pk}").content.decode()
    assert page.count('data-status="assigned"') == 1
    response = client.get("/cases/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    figures = client.get("/cases/figures/").content.decode()
    assert 'data-figure="total">2<' in figures
    assert client.get(f"/cases/{Case.objects.first().code}/print/").status_code == 200


def test_the_api_lists_by_the_ledgers_date_filters_and_names_a_bad_one(world, cats, api_client):
    from django.utils import timezone

    case = report_case(world, cats)
    Case.objects.filter(pk=case.pk).update(resolved_at=timezone.now())
    client = api_client(world.users["staff"])
    today = timezone.localdate().isoformat()
    rows = client.get(f"/api/v1/cases?resolved_since={today}&resolved_until={today}").json()
    assert [r["code"] for r in rows["items"]] == [case.code]
    assert client.get("/api/v1/cases?resolved_until=2000-01-01").json()["count"] == 0
    bad = client.get("/api/v1/cases?due_since=tomorrow")
    assert bad.status_code == 400 and "due_since" in bad.content.decode()
