"""A stand-in for the WeCom, DingTalk and Feishu robot servers on 127.0.0.1: it checks
signatures as they do, answers as they do, and records what it received. The tests and
``bench/notify_webhook.py`` send to it.

Addresses (``robot.url(kind, token)``) mirror the real ones under a prefix per kind:
``/wecom/cgi-bin/webhook/send?key=…``, ``/dingtalk/robot/send?access_token=…``,
``/feishu/open-apis/bot/v2/hook/…``. ``robot.secrets[token] = secret`` switches on
signature checks for a robot.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_SKEW_SECONDS = 3600


@dataclass
class Received:
    kind: str
    token: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict
    signed: bool = False
    answer: dict = field(default_factory=dict)


def _dingtalk_ok(secret: str, timestamp: str, sign: str) -> bool:
    try:
        skew = abs(time.time() * 1000 - int(timestamp)) / 1000
    except ValueError:
        return False
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    return skew <= MAX_SKEW_SECONDS and hmac.compare_digest(expected, sign)


def _feishu_ok(secret: str, timestamp: str, sign: str) -> bool:
    try:
        skew = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    expected = base64.b64encode(
        hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    return skew <= MAX_SKEW_SECONDS and hmac.compare_digest(expected, sign)


def _client_gone(connection) -> bool:
    readable, _, _ = select.select([connection], [], [], 0)
    if not readable:
        return False
    try:
        return connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class FakeRobot:
    def __init__(self):
        self.secrets: dict[str, str] = {}
        self.received: list[Received] = []
        self.fail_next = 0  # answer this many requests with a rate-limit error
        # Set ``hold`` to an Event to keep the next request waiting until it is set; ``arrived``
        # tells when one came. A held request whose client has gone (killed) is dropped
        # unprocessed, as a request that never completed.
        self.hold: threading.Event | None = None
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- life -------------------------------------------------------------------------
    def start(self) -> FakeRobot:
        robot = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like the real servers

            def setup(self):
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                hold, robot.hold = robot.hold, None
                if hold is not None:
                    robot.arrived.set()
                    hold.wait(60)
                    if _client_gone(self.connection):
                        self.close_connection = True
                        return
                status, answer = robot._handle(self.path, dict(self.headers), raw)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-robot",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeRobot:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, kind: str, token: str) -> str:
        base = f"http://127.0.0.1:{self.port}"
        return {
            "wecom": f"{base}/wecom/cgi-bin/webhook/send?key={token}",
            "dingtalk": f"{base}/dingtalk/robot/send?access_token={token}",
            "feishu": f"{base}/feishu/open-apis/bot/v2/hook/{token}",
        }[kind]

    def clear(self) -> None:
        with self._lock:
            self.received.clear()

    # --- answering --------------------------------------------------------------------
    def _handle(self, raw_path: str, headers: dict, raw: bytes) -> tuple[int, dict]:
        parts = urlsplit(raw_path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        kind = parts.path.split("/")[1]
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return 400, {"errcode": 40001, "errmsg": "invalid json"}
        if kind == "wecom":
            token = query.get("key", "")
            signed, ok = False, True
            good, bad = {"errcode": 0, "errmsg": "ok"}, {}
        elif kind == "dingtalk":
            token = query.get("access_token", "")
            secret = self.secrets.get(token)
            signed = secret is not None
            ok = not signed or _dingtalk_ok(
                secret, query.get("timestamp", ""), query.get("sign", "")
            )
            good = {"errcode": 0, "errmsg": "ok"}
            bad = {"errcode": 310000, "errmsg": "sign not match"}
        elif kind == "feishu":
            token = parts.path.rsplit("/", 1)[-1]
            secret = self.secrets.get(token)
            signed = secret is not None
            ok = not signed or _feishu_ok(
                secret, str(body.get("timestamp", "")), str(body.get("sign", ""))
            )
            good = {"code": 0, "msg": "success", "data": {}}
            bad = {
                "code": 19021,
                "msg": "sign match fail or timestamp is not within one hour from current time",
            }
        else:
            return 404, {"errcode": 404, "errmsg": "no such robot"}
        with self._lock:
            if ok and self.fail_next > 0:
                self.fail_next -= 1
                answer = (
                    {"code": 9499, "msg": "too many requests"}
                    if kind == "feishu"
                    else {"errcode": 45009, "errmsg": "api freq out of limit"}
                )
            else:
                answer = good if ok else bad
            self.received.append(
                Received(
                    kind=kind,
                    token=token,
                    path=parts.path,
                    query=query,
                    headers=headers,
                    body=body,
                    signed=signed and ok,
                    answer=answer,
                )
            )
        return 200, answer

    def accepted(self) -> list[Received]:
        """What the robot accepted (answered with success)."""
        with self._lock:
            return [r for r in self.received if r.answer.get("errcode", r.answer.get("code")) == 0]
