"""Health check, language, security headers."""

import json

import pytest


@pytest.mark.django_db
def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"] in {"sqlite", "postgresql"}


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in page and "Sign in" in page


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-Id"]


def test_json_logs_carry_the_request_id():
    import logging

    from community_brain.core import context
    from community_brain.core.logging import JsonFormatter, RequestIdFilter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("世界",), None)
    with context.acting("cli", request_id="abc123"):
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "hello 世界" and line["request_id"] == "abc123"
    assert line["channel"] == "cli"


def test_settings_read_secrets_from_files(tmp_path, monkeypatch):
    from community_brain.config.env import ConfigError, env_bool, env_str

    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    assert env_str("SOME_SECRET") == "s3cret"
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ConfigError, match="FLAG"):
        env_bool("FLAG")


@pytest.mark.django_db
def test_chinese_even_when_the_browser_asks_for_english(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in page
