"""Snapshots reload after an edit in this process and after their time to live."""

import pytest

from community_brain.accounts.models import Organisation
from community_brain.core.snapshots import Snapshot


@pytest.fixture
def loads():
    return []


def test_a_snapshot_loads_once_and_again_after_an_edit(db, loads):
    snapshot = Snapshot(
        lambda: loads.append(1) or set(Organisation.objects.values_list("name", flat=True)),
        models=(Organisation,),
    )
    assert snapshot.get() == set() and snapshot.get() == set()
    assert len(loads) == 1
    Organisation.objects.create(name="测试物业", kind="property_company")
    assert snapshot.get() == {"测试物业"} and len(loads) == 2


def test_a_snapshot_expires(db, loads, monkeypatch):
    import community_brain.core.snapshots as module

    now = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: now[0])
    snapshot = Snapshot(lambda: loads.append(1) or len(loads), models=(), ttl=30)
    assert snapshot.get() == 1
    now[0] += 29
    assert snapshot.get() == 1
    now[0] += 2
    assert snapshot.get() == 2


def test_a_load_that_raced_an_edit_is_not_kept(db, loads):
    holder = {}

    def load():
        loads.append(1)
        if len(loads) == 1:
            holder["snapshot"].clear()  # an edit lands while the first load runs
        return len(loads)

    snapshot = holder["snapshot"] = Snapshot(load, models=())
    assert snapshot.get() == 1  # this caller gets what it read …
    assert snapshot.get() == 2  # … but the next one reads again
