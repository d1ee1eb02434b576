"""Group robots: a local HTTP receiver gets exactly the documented payload of each robot type,
signed as each robot checks it (the receiver verifies the signature)."""

from urllib.parse import quote_plus

import pytest
import time_machine

from community_brain.notify import delivery, services
from community_brain.notify.channels.robots import dingtalk_sign, feishu_sign
from community_brain.notify.choices import State
from community_brain.notify.models import Notice, WebhookEndpoint
from community_brain.notify.tests.conftest import at

NOW = at(2026, 3, 10, 9, 30)
MS = int(NOW.timestamp() * 1000)
PAYLOAD = {"code": "AJ-2026-0042", "title": "楼道堆物", "deadline": "2026-03-13"}
HEADLINE = "【社区大脑】Case AJ-2026-0042 assigned to you: 楼道堆物"
BODY = "Deadline: 2026-03-13."
DETAILS = "https://brain.example.org/cases/42/"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.BRAIN_BASE_URL = "https://brain.example.org"
    settings.BRAIN_SITE_NAME = "社区大脑"


def _robot(crew, robot, kind, token, secret=""):
    if secret:
        robot.secrets[token] = secret
    return WebhookEndpoint.objects.create(
        organisation=crew.org, name=kind, kind=kind, url=robot.url(kind, token), secret=secret
    )


def _send(crew, *, urgent=False, people=()):
    with time_machine.travel(NOW, tick=False):
        notices = services.notify(
            recipients=list(people),
            template="case.assigned",
            payload={**PAYLOAD, "url": "/cases/42/"},
            idempotency_key="case:42:assigned",
            organisation=crew.org,
            channels=["webhook"],
            urgent=urgent,
        )
        for notice in notices:
            delivery.deliver(notice.pk)
    return notices


def test_wecom_markdown(crew, robot):
    _robot(crew, robot, "wecom", "wk-1")
    (notice,) = _send(crew)
    (got,) = robot.received
    assert got.path == "/wecom/cgi-bin/webhook/send" and got.query == {"key": "wk-1"}
    assert got.headers["Content-Type"] == "application/json"
    assert got.body == {
        "msgtype": "markdown",
        "markdown": {"content": f"**{HEADLINE}**\n\n{BODY}\n\n[Details]({DETAILS})"},
    }
    notice.refresh_from_db()
    assert notice.state == State.DELIVERED


def test_wecom_text_mentions_the_people_on_duty_by_phone(crew, robot):
    _robot(crew, robot, "wecom", "wk-2")
    _send(crew, urgent=True, people=[crew.alice])
    (got,) = robot.received
    assert got.body == {
        "msgtype": "text",
        "text": {
            "content": f"{HEADLINE}\n{BODY}\nDetails: {DETAILS}",
            "mentioned_mobile_list": [crew.alice.phone],
        },
    }


def test_dingtalk_markdown_signed_in_the_address(crew, robot):
    _robot(crew, robot, "dingtalk", "dt-1", secret="SECdingtalk-secret")
    _send(crew, urgent=True, people=[crew.alice, crew.bob])
    (got,) = robot.received
    assert got.signed  # the receiver recomputed the HMAC-SHA256 and it matched
    assert got.path == "/dingtalk/robot/send"
    assert got.query == {
        "access_token": "dt-1",
        "timestamp": str(MS),
        "sign": dingtalk_sign("SECdingtalk-secret", MS),
    }
    mentions = f"@{crew.alice.phone} @{crew.bob.phone}"
    assert got.body == {
        "msgtype": "markdown",
        "markdown": {
            "title": HEADLINE,
            "text": f"**{HEADLINE}**\n\n{BODY}\n\n[Details]({DETAILS})\n\n{mentions}",
        },
        "at": {"atMobiles": [crew.alice.phone, crew.bob.phone], "isAtAll": False},
    }
    assert Notice.objects.get(endpoint__kind="dingtalk").state == State.DELIVERED


def test_feishu_text_signed_in_the_body(crew, robot):
    _robot(crew, robot, "feishu", "fs-1", secret="feishu-secret")
    _send(crew)
    (got,) = robot.received
    assert got.signed
    assert got.path == "/feishu/open-apis/bot/v2/hook/fs-1"
    seconds = MS // 1000
    assert got.body == {
        "timestamp": str(seconds),
        "sign": feishu_sign("feishu-secret", seconds),
        "msg_type": "text",
        "content": {"text": f"{HEADLINE}\n{BODY}\nDetails: {DETAILS}"},
    }


def test_feishu_without_a_secret_sends_no_signature(crew, robot):
    _robot(crew, robot, "feishu", "fs-2")
    _send(crew)
    (got,) = robot.received
    assert set(got.body) == {"msg_type", "content"}


def test_a_wrong_secret_is_refused_and_retried(crew, robot):
    _robot(crew, robot, "dingtalk", "dt-2", secret="a-wrong-one")
    robot.secrets["dt-2"] = "the-right-one"
    (notice,) = _send(crew)
    notice.refresh_from_db()
    assert notice.state == State.FAILED
    assert "310000" in notice.last_error and not robot.received[0].signed


def test_signatures_match_the_published_examples():
    # DingTalk's example: timestamp 1700000000000 and secret "secret", as URL-encoded.
    assert quote_plus(dingtalk_sign("secret", 1700000000000)) == (
        "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D"
    )
    # Feishu signs an empty message with the timestamp and secret as the key.
    import base64
    import hashlib
    import hmac

    expected = base64.b64encode(
        hmac.new(b"1599360473\nsecret", b"", hashlib.sha256).digest()
    ).decode()
    assert feishu_sign("secret", 1599360473) == expected
