"""The back-office pages of the bulletin: the issues, opening a fortnight's issue, one issue
with its parts to edit (compound sections by their property company and developer), the
reviews, media uploads and publishing. Thin: ``services`` decides and checks rights."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_brain.bulletins import league, permissions, reach, services
from community_brain.bulletins.choices import SectionReview
from community_brain.bulletins.models import Section
from community_brain.bulletins.queries import issues_for
from community_brain.core import clock
from community_brain.core.errors import IllegalTransition, InvalidInput, flash_errors
from community_brain.places.models import Community


@login_required
def issue_list(request):
    if not permissions.may_see_any(request.user):
        raise PermissionDenied
    communities = Community.objects.visible_to(request.user)
    if request.method == "POST":
        community = get_object_or_404(communities, pk=request.POST.get("community"))
        try:
            issue = services.open_issue(by=request.user, community=community, day=clock.today())
            return redirect("bulletins:issue", pk=issue.pk)
        except (InvalidInput, PermissionDenied) as exc:
            flash_errors(request, exc)
    return render(
        request,
        "bulletins/list.html",
        {
            "issues": issues_for(request.user).select_related("community")[:60],
            "communities": [c for c in communities if permissions.is_staff(request.user, c.pk)],
        },
    )


@login_required
def issue_page(request, pk):
    issue = get_object_or_404(issues_for(request.user).select_related("community"), pk=pk)
    user = request.user
    sections = list(issue.sections.select_related("compound").prefetch_related("media"))
    for s in sections:
        s.may_edit = not issue.is_published and (
            permissions.may_write_compound(user, s)
            if s.kind == "compound"
            else permissions.is_staff(user, issue.community_id)
        )
    return render(
        request,
        "bulletins/issue.html",
        {
            "issue": issue,
            "sections": sections,
            "is_staff": permissions.is_staff(user, issue.community_id),
            "league": league.table(issue),
            "views": reach.totals(issue).get(0, 0),
        },
    )


def _section(request, pk) -> Section:
    return get_object_or_404(
        Section.objects.filter(issue__in=issues_for(request.user)).select_related(
            "issue", "compound"
        ),
        pk=pk,
    )


@login_required
@require_POST
def section_edit(request, pk):
    section = _section(request, pk)
    try:
        services.edit_section(by=request.user, section=section, data=request.POST)
        for upload in request.FILES.getlist("file"):
            services.add_media(by=request.user, section=section, upload=upload)
        messages.success(request, _("Saved."))
    except (InvalidInput, PermissionDenied) as exc:
        flash_errors(request, exc)
    return redirect(f"/bulletins/{section.issue_id}/#part-{section.pk}")


@login_required
@require_POST
def section_move(request, pk):
    section = _section(request, pk)
    to = request.POST.get("to", "")
    if to not in SectionReview.values:
        raise PermissionDenied
    try:
        services.move_section(
            by=request.user, section=section, to=to, note=request.POST.get("note", "")
        )
    except (InvalidInput, IllegalTransition) as exc:
        flash_errors(request, exc)
    return redirect(f"/bulletins/{section.issue_id}/#part-{section.pk}")


@login_required
@require_POST
def issue_move(request, pk):
    issue = get_object_or_404(issues_for(request.user), pk=pk)
    action = request.POST.get("action")
    try:
        if action == "redraft":
            services.redraft(by=request.user, issue=issue)
        elif action == "submit":
            services.submit(by=request.user, issue=issue)
        elif action == "send_back":
            services.send_back(by=request.user, issue=issue)
        elif action == "publish":
            services.publish(by=request.user, issue=issue, data=request.POST)
        else:
            raise PermissionDenied
    except (InvalidInput, IllegalTransition) as exc:
        flash_errors(request, exc)
    return redirect("bulletins:issue", pk=issue.pk)
