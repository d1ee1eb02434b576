"""The field diary on a phone: log a visit in under 30 seconds, turn a note into a case.
A half-typed entry is kept in the browser (localStorage) until the server has it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from community_brain.accounts.permissions import access_for
from community_brain.cases import services
from community_brain.cases.models import Category, DiaryEntry
from community_brain.core.errors import InvalidInput
from community_brain.places.models import Household

TOPICS = ["走访慰问", "环境卫生", "邻里纠纷", "设施设备", "安全隐患", "物业服务", "政策咨询"]


def _categories():
    return (
        Category.objects.filter(is_active=True, for_public=True, parent__isnull=False)
        .select_related("parent")
        .order_by("order")
    )


@login_required
def diary(request):
    if not access_for(request.user).has_role("grid_worker", "community_staff", "system_admin"):
        raise PermissionDenied
    errors, saved_token = {}, request.GET.get("saved", "")
    if request.method == "POST":
        token = request.POST.get("client_token", "")
        try:
            entry = services.log_visit(by=request.user, data=request.POST, client_token=token)
            if request.POST.get("raise_case"):
                category = _categories().filter(pk=request.POST.get("category") or 0).first()
                if category is None:
                    raise InvalidInput.single("category", _("Choose a category for the case."))
                services.raise_case(
                    entry,
                    by=request.user,
                    category=category,
                    photos=request.FILES.getlist("photos"),
                )
        except InvalidInput as exc:
            errors = exc.field_errors
        else:
            entry.refresh_from_db()
            if entry.case_id:
                messages.success(
                    request,
                    _("Visit logged; case %(code)s raised and sent to %(org)s.")
                    % {"code": entry.case.code, "org": entry.case.organisation},
                )
            else:
                messages.success(request, _("Visit logged."))
            return redirect(f"{request.path}?saved={token}")
    households = Household.objects.visible_to(request.user).active().order_by("address")
    entries = DiaryEntry.objects.filter(author=request.user).select_related("household", "case")[
        :30
    ]
    return render(
        request,
        "cases/diary.html",
        {
            "households": households.only("id", "address")[:2000],
            "entries": entries,
            "topics": TOPICS,
            "categories": _categories(),
            "errors": errors,
            "saved_token": saved_token,
            "posted": request.POST if errors else {},
        },
    )


@login_required
def diary_raise(request, pk):
    entry = get_object_or_404(DiaryEntry, pk=pk, author=request.user)
    if request.method == "POST":
        category = _categories().filter(pk=request.POST.get("category") or 0).first()
        if category is None:
            messages.error(request, _("Choose a category for the case."))
        else:
            try:
                services.raise_case(entry, by=request.user, category=category)
            except InvalidInput as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Case %(code)s raised.") % {"code": entry.case.code})
    return redirect("cases:diary")
