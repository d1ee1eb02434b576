"""API of the notify app: one's own notifications (read, acknowledge), who is on duty, the
rota's shifts, one's notification preferences. Written through the same services as the
pages.

No ``from __future__ import annotations`` here: Ninja reads parameter types at runtime.
"""

from datetime import datetime, time

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from community_brain.notify import oncall, services, templates
from community_brain.notify.models import Notice
from community_brain.places.models import Compound

router = Router(tags=["notify"])


# --- schemas --------------------------------------------------------------------------------
def _rendered(notice) -> templates.Rendered:
    language = get_language()
    cached = getattr(notice, "_rendered", None)
    if cached is None or cached[0] != language:
        cached = notice._rendered = (language, templates.for_notice(notice, language=language))
    return cached[1]


class NoticeOut(Schema):
    id: int
    template: str
    title: str
    body: str
    url: str | None
    urgent: bool
    needs_ack: bool
    acknowledged_at: datetime | None
    acknowledged_by_id: int | None
    read_at: datetime | None
    created_at: datetime
    related_type: str
    related_id: str

    @staticmethod
    def resolve_title(obj):
        return _rendered(obj).title

    @staticmethod
    def resolve_body(obj):
        return _rendered(obj).body

    @staticmethod
    def resolve_url(obj):
        return (obj.payload or {}).get("url") or None


class CountOut(Schema):
    updated: int


class PersonOut(Schema):
    id: int
    username: str
    name: str
    phone: str

    @staticmethod
    def resolve_name(obj):
        return str(obj)


class ShiftOut(Schema):
    id: int
    organisation_id: int
    compound_id: int | None
    user_id: int
    user_name: str
    starts_at: datetime
    ends_at: datetime
    order: int
    note: str

    @staticmethod
    def resolve_user_name(obj):
        return str(obj.user)


class ShiftIn(Schema):
    organisation: int
    compound: int | None = None
    user: int
    starts_at: datetime
    ends_at: datetime
    order: int = 1
    note: str = ""


class PreferenceOut(Schema):
    email: str
    sms: str
    quiet_start: time | None
    quiet_end: time | None
    daily_digest: bool


class PreferenceIn(Schema):
    email: str = "always"
    sms: str = "urgent"
    quiet_start: time | None = None
    quiet_end: time | None = None
    daily_digest: bool = False


# --- notifications --------------------------------------------------------------------------
@router.get("/notifications", response=list[NoticeOut])
@paginate
def notifications(request, unread: bool | None = None, urgent: bool | None = None):
    """The signed-in user's in-app notices, newest first."""
    qs = Notice.objects.inbox(request.user)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    if urgent is not None:
        qs = qs.filter(urgent=urgent)
    return qs.order_by("-created_at", "-id")


@router.post("/notifications/read-all", response=CountOut)
def read_all(request):
    return {"updated": services.mark_all_read(request.user)}


@router.get("/notifications/{notice_id}", response=NoticeOut)
def notification(request, notice_id: int):
    return get_object_or_404(Notice.objects.inbox(request.user), pk=notice_id)


@router.post("/notifications/{notice_id}/read", response=NoticeOut)
def read(request, notice_id: int):
    notice = get_object_or_404(Notice.objects.inbox(request.user), pk=notice_id)
    return services.mark_read(notice, request.user)


@router.post("/notifications/{notice_id}/acknowledge", response=NoticeOut)
def acknowledge(request, notice_id: int):
    notice = get_object_or_404(Notice.objects.filter(recipient=request.user), pk=notice_id)
    return services.acknowledge(notice, by=request.user)


# --- the rota -------------------------------------------------------------------------------
@router.get("/on-duty", response=list[PersonOut])
def on_duty(
    request,
    organisation: int,
    compound: int | None = None,
    at: datetime | None = None,
):
    """Who is on duty (now, or ``at``) for one of the user's organisations; the leaders
    when nobody is rostered."""
    org = get_object_or_404(oncall.organisations_visible_to(request.user), pk=organisation)
    place = None
    if compound:
        place = get_object_or_404(Compound.objects.visible_to(request.user), pk=compound)
    return oncall.on_duty(organisation=org, compound=place, at=at)


@router.get("/rota-shifts", response=list[ShiftOut])
@paginate
def rota_shifts(
    request,
    organisation: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
):
    """Shifts of the rota, of the user's organisations; ``start``/``end`` select those that
    overlap the period."""
    qs = oncall.shifts_visible_to(request.user).select_related("user")
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    if start:
        qs = qs.filter(ends_at__gt=start)
    if end:
        qs = qs.filter(starts_at__lt=end)
    return qs.order_by("starts_at", "order", "id")


@router.post("/rota-shifts", response={201: ShiftOut})
def add_shift(request, payload: ShiftIn):
    data = payload.dict()
    data["compound"] = data["compound"] or ""
    shift = services.add_shift(by=request.user, data=data)
    return Status(201, shift)


@router.delete("/rota-shifts/{shift_id}", response={204: None})
def remove_shift(request, shift_id: int):
    shift = get_object_or_404(oncall.shifts_visible_to(request.user), pk=shift_id)
    services.remove_shift(by=request.user, shift=shift)
    return Status(204, None)


# --- preferences ----------------------------------------------------------------------------
@router.get("/notification-preferences", response=PreferenceOut)
def get_preferences(request):
    return services.preference_of(request.user)


@router.put("/notification-preferences", response=PreferenceOut)
def put_preferences(request, payload: PreferenceIn):
    data = {k: ("" if v is None else v) for k, v in payload.dict().items()}
    if not data["daily_digest"]:
        data.pop("daily_digest")  # an unchecked checkbox is absent from form data
    return services.save_preferences(by=request.user, data=data)
