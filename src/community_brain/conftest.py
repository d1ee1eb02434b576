"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL
is set; REQUIRE_SERVICES=1 turns every skip for a missing service into a failure."""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def service_missing(what: str) -> None:
    """Skip — or, in CI, fail — when a service the test needs is absent."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


@pytest.fixture(autouse=True)
def _immediate_tasks(settings, tmp_path):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "imports", "notify"],
        }
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    from community_brain.cases.services.common import forget_labels
    from community_brain.core import live
    from community_brain.core.snapshots import clear_all

    cache.clear()
    clear_all()  # what a snapshot read in an earlier test may since have been rolled back
    forget_labels()
    settings.LIVE_BACKEND = "local"  # tests that need another transport say so
    live.reset_transport()


@pytest.fixture
def world(db):
    from community_brain.testing import make_world

    return make_world()


@pytest.fixture
def login(client):
    from community_brain.testing import PASSWORD

    def do(user):
        client.logout()
        if user is not None:
            assert client.login(username=user.username, password=PASSWORD)
        return client

    return do


@pytest.fixture
def api_client(db):
    """A client that sends a bearer token for the given user."""
    from django.test import Client

    from community_brain.accounts.models import ApiToken

    def make(user):
        if user is None:
            return Client()
        _token, raw = ApiToken.issue(user)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


@pytest.fixture(scope="session")
def chromium_path():
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        service_missing("chromium")
    return path


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations(django_db_blocker):
    from django.core.management import call_command

    call_command("compile_translations", verbosity=0)


@pytest.fixture
def browser(chromium_path, monkeypatch):
    """Headless Chromium driven by Playwright; screenshots go to test-artifacts/."""
    from django.db import connections

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        service_missing("playwright")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        try:
            yield b
        finally:
            b.close()
            # Under Playwright's event loop Django keeps connections per async context, not
            # per thread: the ones the test opened here would stay lent out of the pool, and
            # their sessions would stop the test database's drop.
            connections.close_all()


@pytest.fixture(scope="session", autouse=True)
def _close_connection_pools(django_db_setup):
    """After the session, before the test databases are dropped: close the PostgreSQL pools,
    whose idle connections (a live server's threads leave some) would stop the drop."""
    yield
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        close_pool = getattr(connection, "close_pool", None)
        if close_pool is not None:
            close_pool()


@pytest.fixture
def live_world(transactional_db):
    from community_brain.testing import make_world

    return make_world()


def artifacts_dir():
    from pathlib import Path

    path = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def sign_in(page, base: str, username: str):
    """Sign a browser page in as a test user, as a person would, and land on the home page."""
    from community_brain.testing import PASSWORD

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page
