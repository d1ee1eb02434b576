"""Seed a year of the 乐居 fortnightly bulletin, consistent with the ledger the demo already
holds (``demo.history``): one issue per half month, its community work drafted from that
fortnight's cases and activities by the same service staff use, each compound's section
written by its property company and approved, published two days after the fortnight; the
current fortnight's issue still a draft. Each published issue has its readers — over
5,000 for all but the newest, as the source says.

Made through the services at their historical moments; deterministic; idempotent.
"""

from __future__ import annotations

import io
import math
import random
import struct
import wave
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from community_brain.accounts.models import User
from community_brain.bulletins import periods, services
from community_brain.bulletins.models import Issue, View
from community_brain.core import clock
from community_brain.demo.history import TODAY
from community_brain.places.models import Community

SH = ZoneInfo("Asia/Shanghai")
SEED = 5000
DEEDS = [
    "为独居老人上门维修水管",
    "清理地下车库卫生死角",
    "更换单元门禁读卡器",
    "补种绿化带草坪",
    "修复小区主路塌陷路面",
    "为高龄老人免费代缴水电费",
    "增设电动车集中充电桩",
    "组织消防安全演练",
]


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SH)


def seed() -> dict:
    community = Community.objects.filter(code="QC").first()
    if community is None or Issue.objects.filter(community=community).exists():
        return {}
    rng = random.Random(SEED)
    staff = User.objects.get(username="staff")
    made = {"issues": 0, "published": 0, "views": 0}
    start, _end = periods.fortnight_of(TODAY - timedelta(days=360))
    current, _ = periods.fortnight_of(TODAY)
    while start <= current:
        _, end = periods.fortnight_of(start)
        is_current = start == current
        opened = at(min(end + timedelta(days=1), TODAY), 9)
        with clock.at(opened):
            issue = services.open_issue(by=staff, community=community, day=start)
        made["issues"] += 1
        if not is_current:
            _write(rng, staff, issue, at(end + timedelta(days=1), 14))
            with clock.at(at(end + timedelta(days=2), 10)):
                services.submit(by=staff, issue=issue)
                issue = services.publish(by=staff, issue=issue)
            made["published"] += 1
            made["views"] += _readers(rng, issue, newest=end + timedelta(days=15) > TODAY)
        start, _ = periods.following(start)
    return made


def _tone(seconds: int = 4, rate: int = 8000) -> SimpleUploadedFile:
    """A short chime: a real WAV file the phones can play and seek."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(6000 * math.sin(2 * math.pi * 523 * i / rate)))
            for i in range(rate * seconds)
        )
        w.writeframes(frames)
    return SimpleUploadedFile("broadcast.wav", out.getvalue(), content_type="audio/wav")


def _write(rng, staff, issue, moment) -> None:
    with clock.at(moment):
        audio = issue.sections.get(kind="audio")
        services.edit_section(
            by=staff,
            section=audio,
            data={"title": audio.title, "body": "本期播报：社区近两周工作要点与下期活动预告。"},
        )
        services.add_media(by=staff, section=audio, upload=_tone())
        video = issue.sections.get(kind="video")
        services.edit_section(
            by=staff,
            section=video,
            data={"title": video.title, "body": "活动视频请在社区公众号观看。"},
        )
        for section in issue.sections.filter(kind="compound").select_related("compound"):
            company = section.compound.property_company
            writer = User.objects.filter(
                memberships__organisation=company, memberships__role="property_staff"
            ).first()
            items = rng.sample(DEEDS, rng.randint(1, 4))
            body = "\n".join(f"· {item}" for item in items)
            services.edit_section(
                by=writer or staff,
                section=section,
                data={"title": section.title, "body": body, "deeds": len(items)},
            )
            services.move_section(by=writer or staff, section=section, to="submitted")
            services.move_section(by=staff, section=section, to="approved")


def _readers(rng, issue, *, newest: bool) -> int:
    total = rng.randint(2600, 3900) if newest else rng.randint(5050, 6900)
    at = connection.ops.adapt_datetimefield_value(issue.published_at)
    rows = [(issue.pk, 0, f"demo-{issue.pk}-{i}", at) for i in range(total)]
    for section in issue.sections.all():
        share = rng.uniform(0.25, 0.7)
        rows += [
            (issue.pk, section.pk, f"demo-{issue.pk}-{i}", at) for i in range(int(total * share))
        ]
    _insert_views(rows)
    return total


def _insert_views(rows: list[tuple]) -> None:
    """Plain rows in one statement per batch: ORM objects for 135,000 demo views took most
    of the demo's seeding time."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("issue_id", "part", "visitor", "at"))
    sql = f"INSERT INTO {quote(View._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s)"
    with transaction.atomic(), connection.cursor() as cursor:  # one commit, not one per row
        cursor.executemany(sql, rows)
