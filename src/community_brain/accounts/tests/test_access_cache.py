"""Grants are shared between requests for a few seconds; a change to what they are built from
is seen at once, and a stale entry never outlives its time."""

import time

from django.contrib.auth import get_user_model

from community_brain.accounts import permissions
from community_brain.accounts import services as account_services
from community_brain.accounts.models import Membership
from community_brain.accounts.permissions import Kind, access_for
from community_brain.accounts.roles import VIEW, Role
from community_brain.testing import make_world


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # a new request's user object


def test_a_new_membership_is_seen_by_the_next_request(db):
    w = make_world()
    newcomer = account_services.create_user(by=None, username="newcomer", password="x" * 12)
    assert not access_for(_fresh(newcomer)).allows(Kind.CASES, VIEW)
    account_services.add_membership(
        by=None,
        user=newcomer,
        role=Role.COMMUNITY_STAFF,
        organisation=w.orgs["committee"],
        community=w.community,
    )
    assert access_for(_fresh(newcomer)).allows(Kind.CASES, VIEW)


def test_a_change_behind_the_orm_s_back_is_seen_when_the_grants_expire(db, monkeypatch):
    w = make_world()
    grid = w.users["grid"]
    assert access_for(_fresh(grid)).grants
    Membership.objects.filter(user=grid).update(is_active=False)  # no signal: another process
    assert access_for(_fresh(grid)).grants  # still shared for a few seconds …
    later = time.monotonic() + 60
    monkeypatch.setattr(permissions.time, "monotonic", lambda: later)
    assert not access_for(_fresh(grid)).grants  # … then computed afresh


def test_a_revocation_through_the_orm_is_seen_at_once(db):
    w = make_world()
    grid = w.users["grid"]
    assert access_for(_fresh(grid)).grants
    membership = Membership.objects.get(user=grid)
    membership.is_active = False
    membership.save()
    assert not access_for(_fresh(grid)).grants
