"""A client that retries gets the same request back: by Idempotency-Key, or by device_id
with identical content within a short window."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from community_brain.accounts.services import issue_api_token
from community_brain.cases.models import Case
from community_brain.cases.open311.mapping import DEDUP_WINDOW

from .conftest import post, read

FORMATS = ["json", "xml"]


def submission(key, **extra):
    return {
        "api_key": key,
        "service_code": "road",
        "address_string": "北二路",
        "attribute[size]": "small",
        "description": "路面塌陷",
        **extra,
    }


def sent(client, fmt, data, **headers):
    response = post(client, fmt, data, **headers)
    assert response.status_code == 200, response.content
    return read(response, fmt)[0]["service_request_id"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_idempotency_key_gives_the_same_request(world, road, key, client, fmt):
    first = sent(client, fmt, submission(key), HTTP_IDEMPOTENCY_KEY="retry-1")
    again = sent(client, fmt, submission(key), HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first == again and Case.objects.count() == 1
    other = sent(client, fmt, submission(key), HTTP_IDEMPOTENCY_KEY="retry-2")
    assert other != first
    # keys belong to the account: another client's same key is another request
    grid_key = issue_api_token(by=None, user=world.users["grid"])
    theirs = sent(client, fmt, submission(grid_key), HTTP_IDEMPOTENCY_KEY="retry-1")
    assert theirs not in (first, other) and Case.objects.count() == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_device_retrying_identical_content_gets_the_same_request(world, road, key, client, fmt):
    data = submission(key, device_id="android-1")
    first = sent(client, fmt, data)
    assert sent(client, fmt, data) == first
    assert sent(client, fmt, {**data, "description": "路面塌陷，很深"}) != first
    assert sent(client, fmt, {**data, "device_id": "android-2"}) != first
    assert Case.objects.count() == 3
    # without a device_id or a key, two posts are two reports
    plain = submission(key)
    assert sent(client, fmt, plain) != sent(client, fmt, plain)


def test_the_window_is_short_and_has_no_edge(world, road, key, client):
    window = DEDUP_WINDOW.total_seconds()
    edge = (int(timezone.now().timestamp() // window) + 1) * window  # the next bucket
    start = datetime.fromtimestamp(edge - 2, tz=timezone.get_current_timezone())
    data = submission(key, device_id="android-1")
    with time_machine.travel(start, tick=False):
        first = sent(client, "json", data)
    with time_machine.travel(start + timedelta(seconds=5), tick=False):  # across the edge
        assert sent(client, "json", data) == first
    with time_machine.travel(start + DEDUP_WINDOW + timedelta(minutes=1), tick=False):
        later = sent(client, "json", data)
    assert later != first
    assert Case.objects.count() == 2
