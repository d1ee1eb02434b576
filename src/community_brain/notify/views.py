"""Pages of the notify app: the inbox, a notice (with its acknowledgement), the link that
acknowledges from an SMS or email, the on-call rota calendar, preferences. Thin: reads
through querysets, writes through services."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_brain.core.errors import InvalidInput, bind_errors
from community_brain.notify import oncall, services, templates
from community_brain.notify.choices import Channel
from community_brain.notify.forms import PreferenceForm, ShiftForm
from community_brain.notify.models import Notice

PAGE_SIZE = 30


def _present(notice: Notice) -> Notice:
    rendered = templates.for_notice(notice)
    notice.title, notice.body = rendered.title, rendered.body
    return notice


# --- the inbox ------------------------------------------------------------------------------
@login_required
def inbox(request):
    notices = Notice.objects.inbox(request.user).select_related("acknowledged_by")
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        notices = notices.unread()
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    for notice in page:
        _present(notice)
    context = {
        "page": page,
        "only_unread": only_unread,
        "qs": "unread=1" if only_unread else "",
    }
    return render(request, "notify/inbox.html", context)


@login_required
@require_POST
def read_all(request):
    n = services.mark_all_read(request.user)
    messages.success(request, _("%(n)s notices marked as read.") % {"n": n})
    return redirect("notify:inbox")


@login_required
def notice_detail(request, pk):
    notice = get_object_or_404(
        Notice.objects.filter(recipient=request.user).select_related("acknowledged_by"), pk=pk
    )
    if notice.channel != Channel.INAPP:  # a link from an email or SMS: show the inbox copy
        twin = (
            Notice.objects.inbox(request.user)
            .filter(idempotency_key=notice.idempotency_key)
            .first()
        )
        if twin:
            return redirect("notify:notice", pk=twin.pk)
    services.mark_read(notice, request.user)
    return render(request, "notify/notice.html", {"notice": _present(notice)})


@login_required
@require_POST
def acknowledge(request, pk):
    notice = get_object_or_404(Notice.objects.filter(recipient=request.user), pk=pk)
    try:
        services.acknowledge(notice, by=request.user)
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.field_errors.values() for m in ms))
    else:
        messages.success(request, _("Acknowledged. The others in the chain have been told."))
    return redirect("notify:notice", pk=notice.pk)


def ack_link(request, token):
    """Acknowledge from a link in an SMS or email: the signed token stands for the
    recipient, so no sign-in is needed. A GET only asks (link previews must not
    acknowledge); the button POSTs."""
    try:
        notice = services.notice_for_token(token)
    except signing.SignatureExpired:
        return render(request, "notify/ack_link.html", {"expired": True}, status=410)
    except (signing.BadSignature, Notice.DoesNotExist):
        raise Http404 from None
    done = False
    if request.method == "POST":
        if notice.needs_ack:
            notice = services.acknowledge(notice, by=notice.recipient)
        done = True
    return render(request, "notify/ack_link.html", {"notice": _present(notice), "done": done})


# --- the on-call rota -----------------------------------------------------------------------
def _month(request) -> date:
    raw = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in raw.split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def rota(request):
    organisations = oncall.organisations_visible_to(request.user).order_by("name")
    wanted = request.GET.get("organisation", "")
    organisation = (
        organisations.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    ) or organisations.first()
    first = _month(request)
    previous = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    context = {
        "organisations": organisations,
        "organisation": organisation,
        "month": first,
        "previous": previous,
        "following": following,
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
    }
    if organisation is not None:
        rostered = oncall.rostered(organisation=organisation)
        context.update(
            weeks=oncall.month(organisation, first.year, first.month),
            rostered=rostered,
            on_duty=rostered or oncall.on_duty(organisation=organisation),
            can_manage=oncall.can_manage(request.user, organisation),
        )
    return render(request, "notify/rota.html", context)


def _rota_url(shift) -> str:
    start = timezone.localtime(shift.starts_at)
    return f"{reverse('notify:rota')}?organisation={shift.organisation_id}&month={start:%Y-%m}"


@login_required
def shift_create(request):
    organisations = oncall.organisations_visible_to(request.user)
    managed = organisations.filter(
        pk__in=[o.pk for o in organisations if oncall.can_manage(request.user, o)]
    )
    if not managed.exists():
        raise PermissionDenied
    initial = {"organisation": request.GET.get("organisation"), "order": 1}
    form = ShiftForm(request.POST or None, organisations=managed, initial=initial)
    if request.method == "POST":
        try:
            shift = services.add_shift(by=request.user, data=request.POST)
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            messages.success(request, _("Shift added."))
            return redirect(_rota_url(shift))
    return render(request, "notify/shift_form.html", {"form": form})


@login_required
@require_POST
def shift_delete(request, pk):
    shift = get_object_or_404(oncall.shifts_visible_to(request.user), pk=pk)
    url = _rota_url(shift)
    services.remove_shift(by=request.user, shift=shift)
    messages.success(request, _("Shift removed."))
    return redirect(url)


# --- preferences ----------------------------------------------------------------------------
@login_required
def preferences(request):
    preference = services.preference_of(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST":
        try:
            services.save_preferences(by=request.user, data=request.POST)
        except InvalidInput as exc:
            bind_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("notify:preferences")
    return render(request, "notify/preferences.html", {"form": form})
