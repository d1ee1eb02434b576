"""Pages for spreadsheet imports: upload, watch the check with a progress bar, see every bad
row, confirm, download templates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_brain.core import importing
from community_brain.core.downloads import attachment
from community_brain.core.errors import InvalidInput
from community_brain.core.models import ImportJob
from community_brain.core.spreadsheets import XLSX


def _jobs_for(user):
    qs = ImportJob.objects.select_related("created_by")
    return qs if user.is_superuser else qs.filter(created_by=user)


@login_required
def import_list(request):
    handlers = [h for h in importing.handlers() if h.allowed(request.user)]
    if not handlers:
        raise PermissionDenied
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to upload."))
        else:
            try:
                job = importing.start(
                    by=request.user, kind=request.POST.get("kind", ""), upload=upload
                )
            except InvalidInput as exc:
                messages.error(request, str(exc).split(": ", 1)[-1])
            else:
                return redirect("imports:detail", pk=job.pk)
    return render(
        request, "core/imports.html", {"handlers": handlers, "jobs": _jobs_for(request.user)[:30]}
    )


@login_required
def import_detail(request, pk):
    job = get_object_or_404(_jobs_for(request.user), pk=pk)
    handler = importing.handler_for(job.kind)
    labels = {c.key: c.zh for c in handler.columns}
    template = (
        "core/import_status.html"
        if request.headers.get("HX-Request")
        else "core/import_detail.html"
    )
    summary = [(importing.summary_labels().get(k, k), v) for k, v in job.summary.items()]
    return render(
        request, template, {"job": job, "handler": handler, "labels": labels, "summary": summary}
    )


@login_required
@require_POST
def import_confirm(request, pk):
    job = get_object_or_404(_jobs_for(request.user), pk=pk)
    try:
        importing.confirm(by=request.user, job=job)
    except InvalidInput as exc:
        messages.error(request, str(exc).split(": ", 1)[-1])
    return redirect("imports:detail", pk=job.pk)


@login_required
def import_template(request, kind):
    try:
        handler = importing.handler_for(kind)
    except KeyError:
        raise Http404 from None
    if not handler.allowed(request.user):
        raise PermissionDenied
    return attachment(importing.template_workbook(handler), f"{handler.title}导入模板.xlsx", XLSX)
