"""The public page of an issue: one view per person (10 reloads = 1), none for crawlers,
per section too; share metadata and the QR code; media uploads sniffed and served with
range requests; drafts stay private."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from community_brain.bulletins import reach, services
from community_brain.bulletins.models import View
from community_brain.core.errors import InvalidInput

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI"
)
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 8


@pytest.fixture(autouse=True)
def _late_november():
    with time_machine.travel("2026-11-25 09:00 +0800", tick=False):
        yield


@pytest.fixture
def published(world, ledger):
    staff = world.users["staff"]
    issue = services.open_issue(by=staff, community=world.community, day=date(2026, 11, 8))
    audio = issue.sections.get(kind="audio")
    services.add_media(
        by=staff,
        section=audio,
        upload=SimpleUploadedFile("broadcast.mp3", MP3, content_type="audio/mpeg"),
    )
    services.submit(by=staff, issue=issue)
    return services.publish(by=staff, issue=issue)


def url(issue):
    return f"/public/bulletins/{issue.slug}/"


def test_ten_reloads_by_one_reader_are_one_view(published):
    reader = Client(HTTP_USER_AGENT=PHONE)
    for _ in range(10):
        page = reader.get(url(published))
        assert page.status_code == 200
    assert View.objects.filter(issue=published, part=0).count() == 1
    Client(HTTP_USER_AGENT=PHONE).get(url(published))  # another person
    assert reach.totals(published)[0] == 2


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "WeChatShareExtensionNew/8.0.47",
        "facebookexternalhit/1.1",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (compatible; Bytespider; spider-feedback@bytedance.com)",
        "curl/8.5.0",
        "",
    ],
)
def test_crawlers_are_not_counted(published, agent):
    crawler = Client(HTTP_USER_AGENT=agent)
    for _ in range(3):
        assert crawler.get(url(published)).status_code == 200
    assert View.objects.count() == 0


def test_the_page_has_share_metadata_a_qr_code_and_the_case_titles(published):
    html = Client(HTTP_USER_AGENT=PHONE).get(url(published)).content.decode()
    assert f'<meta property="og:title" content="{published.title}">' in html
    assert 'property="og:description"' in html and "<svg" in html
    assert "楼道灯坏了很久" in html
    assert "data-league" in html


def test_section_views_once_per_reader(published):
    section = published.sections.get(kind="community")
    reader = Client(HTTP_USER_AGENT=PHONE)
    reader.get(url(published))
    for _ in range(5):
        assert reader.post(f"{url(published)}seen/{section.pk}/").status_code == 204
    Client(HTTP_USER_AGENT="Googlebot/2.1").post(f"{url(published)}seen/{section.pk}/")
    assert reach.totals(published) == {0: 1, section.pk: 1}


def test_the_5000_mark(published):
    View.objects.bulk_create(
        [View(issue=published, visitor=f"v{i}", at=published.published_at) for i in range(5000)]
    )
    html = Client(HTTP_USER_AGENT="curl/8").get(url(published)).content.decode()
    assert "data-mark" in html


def test_drafts_are_not_public(world, ledger):
    issue = services.open_issue(
        by=world.users["staff"], community=world.community, day=date(2026, 11, 20)
    )
    assert Client().get(url(issue)).status_code == 404


def test_audio_is_served_with_ranges(published):
    media = published.sections.get(kind="audio").media.get()
    assert media.kind == "audio" and media.content_type == "audio/mpeg"
    whole = Client().get(f"/public/bulletins/media/{media.pk}/")
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    part = Client().get(f"/public/bulletins/media/{media.pk}/", HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(MP3)}"
    assert b"".join(part.streaming_content) == MP3[10:20]


def test_uploads_are_sniffed_not_trusted(world, ledger):
    staff = world.users["staff"]
    issue = services.open_issue(by=staff, community=world.community, day=date(2026, 11, 8))
    video = issue.sections.get(kind="video")
    fake = SimpleUploadedFile("film.mp4", b"<html><script>alert(1)</script>", "video/mp4")
    with pytest.raises(InvalidInput) as err:
        services.add_media(by=staff, section=video, upload=fake)
    assert "file" in err.value.field_errors
    mp4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + b"\x00" * 64
    made = services.add_media(
        by=staff, section=video, upload=SimpleUploadedFile("a.bin", mp4, "application/x")
    )
    assert (made.kind, made.content_type) == ("video", "video/mp4")
    big = SimpleUploadedFile("big.mp3", MP3, "audio/mpeg")
    big.size = 31 * 1024 * 1024
    with pytest.raises(InvalidInput):
        services.add_media(by=staff, section=video, upload=big)
    # a draft's media is private
    assert Client().get(f"/public/bulletins/media/{made.pk}/").status_code == 404


@pytest.mark.parametrize(
    "agent",
    [
        PHONE,  # WeChat's in-app browser is a reader
        "Mozilla/5.0 (Linux; Android 13; Cubot X30) AppleWebKit/537.36 Chrome/120 Mobile",
        "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 Chrome/118 Mobile "
        "Safari/537.36 DingTalk/7.5.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131 Safari/537.36",
    ],
)
def test_people_are_not_crawlers(agent):
    assert not reach.is_crawler(agent)
