"""Group robots (群机器人) of WeCom, DingTalk and Feishu: each in its own JSON format and with
its own signing scheme, as their documentation gives them.

- WeCom (企业微信): ``POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`` with
  ``{"msgtype": "markdown", "markdown": {"content": …}}`` — or, to @ people by phone
  number, ``{"msgtype": "text", "text": {"content": …, "mentioned_mobile_list": […]}}``.
  No signature (the key in the address is the secret). Answers ``{"errcode": 0, …}``.
- DingTalk (钉钉): ``POST https://oapi.dingtalk.com/robot/send?access_token=…`` with
  ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}, "at": {"atMobiles": […],
  "isAtAll": false}}``. Signed (加签): ``timestamp`` (ms) and ``sign`` added to the address,
  sign = Base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")), URL-encoded.
  Answers ``{"errcode": 0, …}``.
- Feishu (飞书): ``POST https://open.feishu.cn/open-apis/bot/v2/hook/…`` with
  ``{"msg_type": "text", "content": {"text": …}}``; signed (签名校验) by adding
  ``"timestamp"`` (s, as a string) and ``"sign"`` to the body, sign =
  Base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")). Answers ``{"code": 0, …}``
  (older robots: ``{"StatusCode": 0, …}``).

A robot's "keyword" security setting matches the site's name, which every message starts
with (``【社区大脑】…``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import socket
import threading
import time
from urllib.parse import urlencode

import httpx

from community_brain.notify import conf
from community_brain.notify.channels.base import BaseChannel, DeliveryError, Message
from community_brain.notify.choices import Channel, RobotKind


# --- signatures -------------------------------------------------------------------------
def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature (before URL-encoding)."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: the key is the timestamp and secret, the message is empty."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _with_params(url: str, params: dict) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


# --- message bodies ---------------------------------------------------------------------
def _headline(message: Message) -> str:
    return f"【{conf.site_name()}】{message.title}"


def markdown(message: Message) -> str:
    parts = [f"**{_headline(message)}**"]
    if message.body:
        parts.append(message.body)
    if message.ack_url:
        parts.append(f"[{message.ack_label}]({message.ack_url})")
    parts.append(f"[{message.details_label}]({message.url})")
    return "\n\n".join(parts)


def plain(message: Message) -> str:
    return "\n".join([_headline(message), *message.lines()])


def wecom_request(url: str, secret: str, message: Message, now: float) -> tuple[str, dict]:
    if message.mentions:
        body = {
            "msgtype": "text",
            "text": {"content": plain(message), "mentioned_mobile_list": list(message.mentions)},
        }
    else:
        body = {"msgtype": "markdown", "markdown": {"content": markdown(message)}}
    return url, body


def dingtalk_request(url: str, secret: str, message: Message, now: float) -> tuple[str, dict]:
    text = markdown(message)
    if message.mentions:  # DingTalk highlights an @ only when the number is in the text too
        text += "\n\n" + " ".join(f"@{phone}" for phone in message.mentions)
    body = {
        "msgtype": "markdown",
        "markdown": {"title": _headline(message), "text": text},
        "at": {"atMobiles": list(message.mentions), "isAtAll": False},
    }
    if secret:
        timestamp = int(now * 1000)
        url = _with_params(url, {"timestamp": timestamp, "sign": dingtalk_sign(secret, timestamp)})
    return url, body


def feishu_request(url: str, secret: str, message: Message, now: float) -> tuple[str, dict]:
    body: dict = {"msg_type": "text", "content": {"text": plain(message)}}
    if secret:
        timestamp = int(now)
        body = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **body}
    return url, body


BUILDERS = {
    RobotKind.WECOM: wecom_request,
    RobotKind.DINGTALK: dingtalk_request,
    RobotKind.FEISHU: feishu_request,
}


# --- sending ----------------------------------------------------------------------------
_client: httpx.Client | None = None
_client_lock = threading.Lock()


def client() -> httpx.Client:
    """One pooled HTTP client per process (httpx clients are safe to share across threads)."""
    global _client
    with _client_lock:
        if _client is None or _client.is_closed:
            # No Nagle delay between the request's headers and its body.
            transport = httpx.HTTPTransport(
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            )
            _client = httpx.Client(
                transport=transport,
                timeout=conf.webhook_timeout(),
                headers={"User-Agent": "community-brain"},
            )
        return _client


def check_answer(kind: str, response: httpx.Response) -> None:
    """The robots answer HTTP 200 with an error code in the body when they refuse."""
    if response.status_code >= 400:
        raise DeliveryError(f"{kind}: HTTP {response.status_code} {response.text[:200]}")
    try:
        data = response.json()
    except ValueError:
        raise DeliveryError(f"{kind}: not a JSON answer: {response.text[:200]}") from None
    if not isinstance(data, dict):
        raise DeliveryError(f"{kind}: unexpected answer {response.text[:200]}")
    for code_key, message_key in (
        ("errcode", "errmsg"),
        ("code", "msg"),
        ("StatusCode", "StatusMessage"),
    ):
        if code_key in data:
            if data[code_key] not in (0, "0"):
                raise DeliveryError(f"{kind}: error {data[code_key]} {data.get(message_key, '')}")
            return


def post(kind: str, url: str, body: dict) -> None:
    try:
        response = client().post(url, json=body)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{kind}: {type(exc).__name__}: {exc}") from exc
    check_answer(kind, response)


class RobotChannel(BaseChannel):
    code = Channel.WEBHOOK

    def send(self, notice, message: Message) -> None:
        endpoint = notice.endpoint
        if endpoint is None or not endpoint.is_active:
            raise DeliveryError("the group robot is gone or switched off", permanent=True)
        build = BUILDERS.get(endpoint.kind)
        if build is None:
            raise DeliveryError(f"unknown robot kind {endpoint.kind!r}", permanent=True)
        url, body = build(endpoint.url, endpoint.secret or "", message, time.time())
        post(endpoint.kind, url, body)
