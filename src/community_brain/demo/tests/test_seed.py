"""The demo community is seeded as the source describes it, deterministically and once."""

import pytest

from community_brain.accounts.models import User
from community_brain.demo import register
from community_brain.places.models import Compound, Household, Resident, Shop


@pytest.fixture
def seeded(db):
    register.seed()


@pytest.mark.slow
def test_the_demo_matches_the_source_and_seeding_twice_adds_nothing(seeded, client):
    assert sorted(Compound.objects.values_list("name", flat=True)) == sorted(
        ["维纳锦温泉花园", "红橡树", "芦湖雅郡", "芦湖明珠"]
    )
    assert Household.objects.active().count() == 2367
    assert Resident.objects.active().count() == 7400
    assert Shop.objects.count() == 66
    names = list(Resident.objects.order_by("id").values_list("name", flat=True)[:20])
    assert register.seed() == {}
    assert Resident.objects.active().count() == 7400
    assert list(Resident.objects.order_by("id").values_list("name", flat=True)[:20]) == names

    for username, *_rest in register.USERS:
        assert User.objects.get(username=username).check_password(register.DEMO_PASSWORD)

    assert client.login(username="staff", password=register.DEMO_PASSWORD)
    page = client.get("/").content.decode()
    for figure in (">2367<", ">7400<", ">66<"):  # Chinese pages write numbers ungrouped
        assert figure in page
    response = client.get("/api/v1/households?limit=1")
    assert response.json()["count"] == 2367

    # every ID number is valid and unique, every household has a head
    from community_brain.core.identifiers import validate_id_number

    for r in Resident.objects.exclude(id_number_index="")[:500]:
        validate_id_number(r.id_number)
    assert not Household.objects.active().filter(head__isnull=True).exists()
