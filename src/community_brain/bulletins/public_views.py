"""The public pages of the bulletin (no login), under ``/public/bulletins/``: the issues,
one issue (light enough for a phone on a weak network; share metadata for chat apps; its
QR code), a section's view beacon, and the media with range requests."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from community_brain.bulletins import league, permissions, reach
from community_brain.bulletins.choices import SectionKind
from community_brain.bulletins.models import VIEW_MARK, Issue, Media
from community_brain.core import qr, ranges


def issue_list(request):
    issues = Issue.objects.published().select_related("community").order_by("-period_start")
    return render(request, "bulletins/public/list.html", {"issues": issues[:48]})


def issue_page(request, slug):
    issue = get_object_or_404(Issue.objects.published().select_related("community"), slug=slug)
    fresh = None
    if request.method == "GET" and not reach.is_crawler(request.headers.get("User-Agent", "")):
        visitor, fresh = reach.reader(request)
        reach.count(issue, visitor)
    sections = [
        s for s in issue.sections.select_related("compound").prefetch_related("media") if s.is_shown
    ]
    views = reach.totals(issue)
    for s in sections:
        s.view_count = views.get(s.pk, 0)
    url = request.build_absolute_uri(reverse("bulletins_public:issue", args=[issue.slug]))
    image = next(
        (m for s in sections for m in s.media.all() if m.kind == "image"),
        None,
    )
    response = render(
        request,
        "bulletins/public/issue.html",
        {
            "issue": issue,
            "sections": sections,
            "compound_sections": [s for s in sections if s.kind == SectionKind.COMPOUND],
            "league": league.table(issue),
            "views": views.get(0, 0),
            "mark": VIEW_MARK,
            "url": url,
            "qr": qr.svg(url, scale=3, title=issue.title),
            "og_image": request.build_absolute_uri(
                reverse("bulletins_public:media", args=[image.pk])
            )
            if image
            else "",
            "description": issue.summary or _first_line(sections),
        },
    )
    reach.remember(response, fresh, secure=request.is_secure())
    return response


def _first_line(sections) -> str:
    for s in sections:
        if s.kind == SectionKind.COMMUNITY and s.body:
            return s.body.splitlines()[0][:120]
    return ""


@csrf_exempt  # a count, nothing else; the reader's cookie (SameSite=Lax) names the person
@require_POST
def seen(request, slug, part):
    issue = get_object_or_404(Issue.objects.published(), slug=slug)
    if not issue.sections.filter(pk=part).exists():
        raise Http404
    if not reach.is_crawler(request.headers.get("User-Agent", "")):
        cookie = request.COOKIES.get(reach.COOKIE)
        visitor = reach.reader(request)[0] if cookie else reach.fallback(request)
        reach.count(issue, visitor, part)
    return HttpResponse(status=204)


def media(request, pk):
    """A media file: anyone once its issue is published, its editors before."""
    item = get_object_or_404(Media.objects.select_related("section__issue"), pk=pk)
    issue = item.section.issue
    if not issue.is_published:
        user = request.user
        allowed = permissions.is_staff(user, issue.community_id) or (
            permissions.may_write_compound(user, item.section)
        )
        if not allowed:
            raise Http404
        return ranges.serve(request, item.file, item.content_type, cache="private, no-store")
    return ranges.serve(request, item.file, item.content_type)
