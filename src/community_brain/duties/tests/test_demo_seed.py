"""The demo county's lists: 45 departments, several thousand items with history, a provincial
catalogue that differs by design, the check run against it — and seeding twice adds nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from community_brain.accounts.models import Membership, Organisation, User
from community_brain.accounts.roles import OrganisationKind
from community_brain.demo import duties as demo
from community_brain.demo.register import DEMO_PASSWORD
from community_brain.duties.choices import ItemStatus
from community_brain.duties.models import (
    Accountability,
    CatalogueSnapshot,
    CheckRun,
    ClaimTask,
    DutyItem,
    Finding,
    ItemVersion,
    Responsibility,
)
from community_brain.duties.public_queries import Filters, list_rows

COUNTED = (
    DutyItem,
    Responsibility,
    Accountability,
    ItemVersion,
    CatalogueSnapshot,
    CheckRun,
    Finding,
    ClaimTask,
    Organisation,
    User,
    Membership,
)


@pytest.mark.slow
def test_the_demo_county_is_seeded_as_designed_and_only_once(db):
    made = demo.seed()
    county = Organisation.objects.filter(code__startswith=demo.PREFIX)
    assert county.filter(kind=OrganisationKind.GOVERNMENT_DEPARTMENT).count() == 45
    assert county.get(kind=OrganisationKind.ESTABLISHMENT_OFFICE).name == "县委机构编制委员会办公室"
    assert county.get(kind=OrganisationKind.JUSTICE_BUREAU).name == "县司法局"
    assert county.values("name").distinct().count() == 47

    items = DutyItem.objects.filter(department__in=county)
    active = items.filter(status=ItemStatus.ACTIVE).count()
    assert active >= 3000
    assert made["items"] == items.count()
    # every item: 3–8 responsibilities, 1–3 accountability cases, a published version
    assert not items.exclude(responsibilities__isnull=False).exists()
    assert Responsibility.objects.count() >= 3 * items.count()
    assert Accountability.objects.count() >= items.count()
    assert ItemVersion.objects.filter(valid_to__isnull=True).count() == items.count()
    assert items.filter(parent__isnull=False).count() > 50
    sample = items.filter(type="CF").first()
    assert sample.code.startswith("CF370321") and len(sample.code) == 14
    assert "《" in sample.basis and "条" in sample.basis

    # history: ~2% cancelled a few months ago, ~3% changed once
    cancelled = items.filter(status=ItemStatus.CANCELLED)
    assert 0.015 * items.count() <= cancelled.count() <= 0.025 * items.count()
    changed = ItemVersion.objects.filter(change="change")
    assert 0.025 * items.count() <= changed.count() <= 0.035 * items.count()
    assert not cancelled.exclude(versions__change="cancel").exists()
    today = timezone.localdate()
    old = ItemVersion.objects.filter(change="cancel").order_by("valid_from").first()
    assert today - timedelta(days=160) <= timezone.localtime(old.valid_from).date()

    # as of the day before the first cancellation, the cancelled items were in force
    day = timezone.localtime(old.valid_from).date() - timedelta(days=1)
    listed = set(list_rows(Filters(as_of=day)).values_list("item__code", flat=True))
    assert set(cancelled.values_list("code", flat=True)) <= listed
    assert not set(cancelled.values_list("code", flat=True)) & {
        row["code"] for row in list_rows(Filters())
    }
    # and a changed item is shown as it was before the change (name, time limit or basis)
    change = changed.select_related("item").order_by("item__code").first()
    earlier = ItemVersion.objects.get(item=change.item, version=1)
    day = timezone.localtime(change.valid_from).date() - timedelta(days=1)
    shown = list_rows(Filters(as_of=day, q=change.item.code)).get()
    assert shown.data == earlier.data != change.data

    # the catalogue and the check against it
    snapshot = CatalogueSnapshot.objects.get(source=demo.SNAPSHOT_SOURCE)
    assert (today - snapshot.taken_on).days == 3
    run = CheckRun.objects.get(snapshot=snapshot)
    assert (run.new_count, run.cancelled_count, run.changed_count) == (40, 15, 20)
    assert made["check"] == {"new": 40, "cancelled": 15, "changed": 20}
    assert ClaimTask.objects.filter(department__isnull=True).count() == demo.UNKNOWN_DEPARTMENT
    assert ClaimTask.objects.filter(department__in=county).count() == 40 - demo.UNKNOWN_DEPARTMENT

    for username, _name, org_code in demo.USERS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert Membership.objects.filter(user=user, organisation__code=org_code).exists()

    counts = {model: model.objects.count() for model in COUNTED}
    assert demo.seed() == {}
    assert {model: model.objects.count() for model in COUNTED} == counts
