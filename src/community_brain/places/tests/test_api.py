"""The register's API: pagination, filters, validation errors that name fields, updates."""

from community_brain.core.models import AuditLog


def test_list_answers_items_and_count_with_limit_and_offset(world, api_client):
    c = api_client(world.users["staff"])
    body = c.get("/api/v1/residents?limit=2&offset=1").json()
    assert body["count"] == 6 and len(body["items"]) == 2
    assert set(body["items"][0]) >= {"id", "name", "id_number_masked", "household_id", "tags"}
    assert "id_number" not in body["items"][0]


def test_filters(world, api_client):
    c = api_client(world.users["staff"])
    compound = world.compounds["b"].pk
    assert c.get(f"/api/v1/residents?compound={compound}").json()["count"] == 2
    assert c.get(f"/api/v1/households?compound={compound}").json()["count"] == 1
    assert c.get("/api/v1/residents?q=wa").json()["count"] == 3
    assert c.get("/api/v1/shops?trade=catering").json()["count"] == 1


def test_create_with_bad_fields_answers_400_naming_them(world, api_client):
    c = api_client(world.users["staff"])
    response = c.post(
        "/api/v1/residents",
        {
            "household": world.households["a1"].pk,
            "name": "王",
            "gender": "X",
            "id_number": "123",
            "relation": "child",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"name", "gender", "id_number"} <= set(errors)
    response = c.post("/api/v1/residents", {"name": "缺户"}, content_type="application/json")
    assert response.status_code == 400 and "household" in response.json()["errors"]


def test_patch_changes_only_what_is_sent_and_is_audited(world, api_client):
    c = api_client(world.users["staff"])
    resident = world.residents["a2-spouse"]
    response = c.patch(
        f"/api/v1/residents/{resident.pk}",
        {"phone": "13800138000"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    resident.refresh_from_db()
    assert resident.phone == "13800138000" and resident.name == "李a2芳"
    assert resident.id_number == world.residents["a2-spouse"].id_number
    assert AuditLog.objects.filter(action="resident.update", object_id=str(resident.pk)).exists()


def test_move_out_over_the_api(world, api_client):
    c = api_client(world.users["grid"])
    resident = world.residents["a1-spouse"]
    response = c.post(
        f"/api/v1/residents/{resident.pk}/move-out",
        {"reason": "moved"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "moved_out"


def test_households_and_shops_crud(world, api_client):
    c = api_client(world.users["staff"])
    response = c.post(
        "/api/v1/households",
        {"building": world.buildings["b1"].pk, "unit": 2, "floor": 5, "room": "502"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["address"] == "乙小区1号楼2单元502"
    hid = response.json()["id"]
    response = c.patch(
        f"/api/v1/households/{hid}", {"tenure": "rented"}, content_type="application/json"
    )
    assert response.json()["tenure"] == "rented"
    response = c.post(
        "/api/v1/shops", {"name": "新开的店", "trade": "catering"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert (
        api_client(world.users["grid"])
        .post(
            "/api/v1/shops", {"name": "x店", "trade": "catering"}, content_type="application/json"
        )
        .status_code
        == 403
    )


def test_bad_tokens_are_refused(world, client):
    assert client.get("/api/v1/residents", HTTP_AUTHORIZATION="Bearer cb_nope").status_code == 401
    from community_brain.accounts.models import ApiToken
    from community_brain.accounts.services import revoke_api_token

    token, raw = ApiToken.issue(world.users["staff"])
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    revoke_api_token(by=None, token=token)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_openapi_is_published(db, client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/residents", "/api/v1/households", "/api/v1/shops", "/api/v1/compounds"):
        assert path in spec["paths"]
