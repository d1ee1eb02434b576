"""Sign-in: throttled against guessing, audited, and each role lands on its home page."""

import pytest
from django.core.management import call_command

from community_brain.core.models import AuditLog
from community_brain.testing import PASSWORD


def _post(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_signing_in_lands_on_home(world, client):
    response = _post(client, "staff", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditLog.objects.filter(action="login.success", actor=world.users["staff"]).exists()
    page = client.get("/").content.decode()
    assert "社区干部" in page


def test_repeated_failures_lock_the_account_even_for_the_right_password(world, client, settings):
    settings.LOGIN_THROTTLE_FAILURES = 3
    for _ in range(3):
        assert _post(client, "staff", "wrong").status_code == 401
    response = _post(client, "staff", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="login.failure").count() == 3
    assert AuditLog.objects.filter(action="login.throttled").count() == 1


def test_throttle_is_per_username(world, client, settings):
    settings.LOGIN_THROTTLE_FAILURES = 2
    for _ in range(2):
        _post(client, "staff", "wrong")
    assert _post(client, "grid", PASSWORD).status_code == 302


def test_logout_needs_post(world, client):
    _post(client, "staff", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_open_redirects_are_refused(world, client):
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "staff", "password": PASSWORD}
    )
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("role", "text"),
    [
        ("staff", "居民"),
        ("grid", "需要关照"),
        ("property", "甲小区"),
        ("resident", "王a1强"),
        ("officer", "小区"),
        ("inspector", "整改"),
    ],
)
def test_each_role_has_a_home(world, login, role, text):
    page = login(world.users[role]).get("/").content.decode()
    assert text in page


def test_api_token_command_prints_a_working_token(world, client, capsys):
    call_command("api_token", "staff")
    token = capsys.readouterr().out.strip()
    assert token.startswith("cb_")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["username"] == "staff"
    assert AuditLog.objects.filter(action="api_token.issue").exists()


def test_a_wrong_or_revoked_token_is_refused_by_name_not_by_the_csrf_check(world, client):
    from community_brain.accounts.models import ApiToken

    token, raw = ApiToken.issue(world.users["staff"])
    for bad in ("cb_not-a-token", raw):
        if bad == raw:
            ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")
        response = client.post(
            "/api/v1/cases",
            data="{}",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {bad}",
        )
        assert response.status_code == 401, response.content
        assert "revoked" in response.json()["detail"]
    no_header = client.get("/api/v1/me")
    assert no_header.status_code == 401 and "Bearer" in no_header.json()["detail"]
