"""How many people read an issue, and each of its sections: one view per person however
often they reload, none for crawlers and link-preview fetchers.

A person is a first-party cookie (``cb_reader``, random, a year); a browser that keeps no
cookie is a hash of its address, browser and the day — so it is not followed from day to
day. Only the hash is stored. A view is a row unique per (issue, part, visitor): a reload
inserts nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from community_brain.bulletins.models import Issue, View
from community_brain.core import clock

COOKIE = "cb_reader"
COOKIE_AGE = 365 * 24 * 3600
# Search engines, chat apps' link-preview fetchers (WeChat, QQ, Weibo, DingTalk, Feishu,
# Telegram, WhatsApp, Slack…), monitoring and scripts.
CRAWLERS = re.compile(
    r"(?<!cu)bot\b|bot/|spider|crawl|slurp|preview|fetcher|facebookexternalhit|embedly|"
    r"whatsapp|telegrambot|slackbot|discordbot|skypeuripreview|linkedinbot|twitterbot|"
    r"baiduspider|sogou|yisouspider|360spider|bytespider|petalbot|yandex|"
    r"wechatshareextension|mmwebsdk.*crawler|wxwork.*preview|qq-urlmanager|"
    r"weibo.*(spider|preview)|dingtalkbot|feishu.*(bot|preview)|lark.*preview|"
    r"headlesschrome|phantomjs|curl/|wget/|python-requests|python-httpx|go-http-client|"
    r"java/|okhttp|uptime|monitor|pingdom|lighthouse",
    re.IGNORECASE,
)


def is_crawler(user_agent: str) -> bool:
    return not user_agent.strip() or bool(CRAWLERS.search(user_agent))


def _hash(*parts: str) -> str:
    raw = "\x1f".join([settings.SECRET_KEY, *parts]).encode()
    return hashlib.sha256(raw).hexdigest()


def reader(request) -> tuple[str, str | None]:
    """(the visitor's hash, a new cookie value to set or None)."""
    cookie = request.COOKIES.get(COOKIE, "")
    if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", cookie):
        return _hash("cookie", cookie), None
    fresh = secrets.token_urlsafe(18)
    return _hash("cookie", fresh), fresh


def fallback(request) -> str:
    """For a beacon sent without the cookie: address + browser + day."""
    ip = request.META.get("REMOTE_ADDR", "")
    ua = request.headers.get("User-Agent", "")
    return _hash("anon", ip, ua, clock.today().isoformat())


def count(issue: Issue, visitor: str, part: int = 0) -> None:
    """Record a view; a person seen before adds nothing (the unique row already exists)."""
    with transaction.atomic():
        View.objects.bulk_create(
            [View(issue=issue, part=part, visitor=visitor, at=clock.now())],
            ignore_conflicts=True,
        )


def totals(issue: Issue) -> dict[int, int]:
    """{part: views}: 0 is the whole issue, else a section's id."""
    rows = issue.views.values("part").annotate(n=Count("id"))
    return {row["part"]: row["n"] for row in rows}


def remember(response, fresh: str | None, *, secure: bool = False) -> None:
    if fresh:
        response.set_cookie(
            COOKIE, fresh, max_age=COOKIE_AGE, httponly=True, samesite="Lax", secure=secure
        )
