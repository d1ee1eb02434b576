"""The big screen: who may see it, what it shows, and that every number equals the count of
the list it opens."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from community_brain.cases.queries import figures
from community_brain.screen.queries import screen_data


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def test_only_the_control_centre_sees_the_screen(world, login, client):
    login(world.users["resident"])
    assert client.get("/screen/").status_code == 403
    assert client.get("/screen/data.json").status_code == 403
    login(world.users["staff"])
    page = client.get("/screen/")
    assert page.status_code == 200 and b'id="stage"' in page.content


def test_every_number_equals_the_list_it_opens(scene, login, client):
    staff = scene["staff"]
    login(staff)
    data = client.get("/screen/data.json").json()
    links = [(name, k) for name, k in data["kpis"].items() if isinstance(k, dict)]
    links += [(c["name"], c) for c in data["categories"]]
    links += [(d["name"], {"n": d["total"], "url": d["url"]}) for d in data["devices"]["by_type"]]
    links += [
        (d["name"], {"n": d["total"], "url": d["url"]}) for d in data["devices"]["by_compound"]
    ]
    assert len(links) >= 9
    for name, item in links:
        assert list_count(client, item["url"]) == item["n"], (name, item)
    assert data["kpis"]["open"]["n"] == 4 and data["kpis"]["overdue"]["n"] == 1
    assert data["kpis"]["alarms"]["n"] == 2 and data["kpis"]["devices_offline"]["n"] == 1
    assert data["kpis"]["resolved_today"]["n"] == 1
    for feature in data["map"]["geojson"]["features"]:
        props = feature["properties"]
        assert list_count(client, props["url"]) == props["open"]


def test_the_rates_come_from_the_read_model_and_match_the_ledger(scene):
    from django.utils import timezone

    from community_brain.cases.models import Case

    data = screen_data(scene["staff"])
    year = timezone.localdate().year
    direct = figures(Case.objects.filter(reported_at__year=year))
    assert data["rates"]["year"]["total"] == direct["total"] == 4
    assert data["rates"]["year"]["response"] == direct["response_rate"]
    assert data["rates"]["year"]["resolution"] == direct["resolution_rate"]
    assert len(data["rates"]["months"]) == 12
    assert sum(c["n"] for c in data["categories"]) == direct["total"]


def test_the_ticker_and_the_map_show_the_alarms(scene):
    data = screen_data(scene["staff"])
    assert [a["severity"] for a in data["alarms"]] == ["critical", "major"]
    assert all(a["lng"] is not None for a in data["alarms"])  # placed inside the compound
    assert data["map"]["cases"] and all(p["lat"] for p in data["map"]["cases"])
    names = {f["properties"]["name"] for f in data["map"]["geojson"]["features"]}
    assert names == {"甲小区", "乙小区"}
    assert [p["name"] for p in data["duty"]] == [str(scene["staff"])]


@pytest.mark.parametrize("path", ["/screen/", "/screen/data.json"])
def test_the_screen_needs_a_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and urlsplit(response["Location"]).path.endswith("login/")


def test_the_stream_passes_on_what_is_published(world, login, client):
    import json

    from community_brain.core import live

    login(world.users["staff"])
    response = client.get("/screen/stream")
    assert response["Content-Type"] == "text/event-stream"
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"retry:")  # subscribed from here on
    live.transport().send(json.dumps({"kind": "alarm", "data": {"id": 1}, "at": ""}))
    chunk = next(chunks).decode()
    assert chunk.startswith("event: alarm\n") and '"id": 1' in chunk
    response.close()


def test_a_new_alarm_and_a_new_case_are_announced(scene, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from community_brain.core import live
    from community_brain.devices.alarms import raise_alarm
    from community_brain.testing import report_case

    with live.subscribe() as sub:
        with django_capture_on_commit_callbacks(execute=True):
            raise_alarm(scene["devices"][1], "smoke", "critical", at=timezone.now())
            report_case(scene["world"], scene["cats"], title="新的问题一件")
        kinds = [m["kind"] for m in iter(lambda: sub.get(timeout=0.2), None)]
    assert kinds == ["alarm", "case"]
