"""A ``Prepared`` query returns what its QuerySet returns, related objects included, for
each new value, and runs one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community_brain.accounts.models import ApiToken, User
from community_brain.core.models import AuditLog
from community_brain.core.prepared import Prepared

by_action = Prepared(
    lambda action: AuditLog.objects.select_related("actor").filter(action=action).order_by("pk"),
    "action",
)


def test_the_same_rows_as_the_queryset_with_related_objects(db):
    alice = User.objects.create_user("alice", password="x", first_name="丽")
    for n in range(3):
        AuditLog.objects.create(actor=alice if n else None, action="test.seen", data={"n": n})
    AuditLog.objects.create(action="test.other")
    expected = list(AuditLog.objects.filter(action="test.seen").order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        found = by_action.all(action="test.seen")
        names = [row.actor.first_name if row.actor else None for row in found]
    assert len(queries) == 1
    assert [(r.pk, r.data, r.at) for r in found] == [(r.pk, r.data, r.at) for r in expected]
    assert names == [None, "丽", "丽"]
    assert by_action.first(action="test.none") is None
    assert by_action.first(action="test.other").action == "test.other"


def test_parameters_must_all_be_given(db):
    with pytest.raises(TypeError):
        by_action.all()
    with pytest.raises(ValueError, match="not used"):
        Prepared(lambda key: AuditLog.objects.filter(pk__gt=0), "key").all(key="x")


def test_a_revoked_token_or_inactive_user_stops_at_once(db):
    user = User.objects.create_user("api", password="x")
    token, raw = ApiToken.issue(user)
    assert ApiToken.objects.authenticate(raw).user == user
    assert ApiToken.objects.authenticate(raw + "x") is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ApiToken.objects.authenticate(raw) is None
    User.objects.filter(pk=user.pk).update(is_active=True)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")
    assert ApiToken.objects.authenticate(raw) is None
