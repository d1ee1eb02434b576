"""Activities: create one, sign people up (themselves, or staff on behalf of an elderly
resident), the waiting list with automatic promotion when a place comes free, QR check-in,
photos, and the reminder the day before.

Places are counted under the activity's row lock, so two last-minute sign-ups never both
take the last place, and a cancellation promotes exactly one person from the waiting list.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.activities import permissions
from community_brain.activities.choices import SignupStatus
from community_brain.activities.forms import ActivityForm, SignupForm
from community_brain.activities.models import Activity, ActivityPhoto, Room, Signup
from community_brain.core import audit, clock
from community_brain.core.errors import IllegalTransition, InvalidInput, validated
from community_brain.core.identifiers import mask_name
from community_brain.core.images import clean_image

CHECKIN_SALT = "community_brain.activities.checkin"
MAX_PHOTOS = 9


def create(*, by, community, data: Mapping) -> Activity:
    permissions.require(permissions.is_staff(by, community.pk), "create activities here")
    form = validated(ActivityForm(data=data))
    room = None
    if form["room"]:
        room = Room.objects.filter(community=community, code=form["room"]).first()
        if room is None:
            raise InvalidInput.single("room", _("No such room."))
        if form["capacity"] > room.capacity:
            raise InvalidInput.single(
                "capacity", _("The room holds at most %(n)s people.") % {"n": room.capacity}
            )
    with transaction.atomic():
        activity = Activity.objects.create(
            community=community,
            kind=form["kind"],
            title=form["title"],
            description=form["description"],
            starts_at=form["starts_at"],
            ends_at=form["ends_at"],
            room=room,
            address=form["address"].strip(),
            capacity=form["capacity"],
            created_by=by,
        )
        audit.record("activity.created", activity, actor=by, summary=activity.title)
    return activity


def _confirmed(activity) -> int:
    return activity.signups.filter(status=SignupStatus.CONFIRMED).count()


def sign_up(*, by, activity: Activity, resident=None, data: Mapping | None = None) -> Signup:
    """Sign ``by`` up, or — staff only — a resident (or a named person) on their behalf.
    Confirmed while places are left, else on the waiting list."""
    community_id = activity.community_id
    on_behalf = resident is not None or data is not None
    if on_behalf:
        permissions.require(permissions.is_staff(by, community_id), "sign others up")
    else:
        permissions.require(permissions.may_take_part(by, community_id), "sign up here")
    if resident is not None:
        if resident.community_id != community_id:
            raise InvalidInput.single("resident", _("This person lives in another community."))
        name, phone = resident.name, resident.phone
    elif data is not None:
        form = validated(SignupForm(data=data))
        name, phone = form["name"].strip(), form["phone"].strip()
    else:
        name, phone = by.display_name or by.get_full_name() or by.username, by.phone
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if activity.is_cancelled or not activity.is_published:
            raise InvalidInput.single("activity", _("This activity is not open for sign-up."))
        if activity.starts_at <= clock.now():
            raise InvalidInput.single("activity", _("This activity has already begun."))
        mine = activity.signups.exclude(status=SignupStatus.CANCELLED)
        if (resident is not None and mine.filter(resident=resident).exists()) or (
            not on_behalf and mine.filter(user=by).exists()
        ):
            raise InvalidInput.single("activity", _("Already signed up."))
        full = _confirmed(activity) >= activity.capacity
        signup = Signup.objects.create(
            activity=activity,
            user=None if on_behalf else by,
            resident=resident,
            name=name,
            phone=phone,
            status=SignupStatus.WAITING if full else SignupStatus.CONFIRMED,
            signed_up_by=by,
            signed_up_at=clock.now(),
        )
        audit.record(
            "activity.signed_up",
            signup,
            actor=by,
            summary=f"{mask_name(name)} · {activity.title}",
            data={"status": signup.status},
        )
    return signup


def cancel_signup(*, by, signup: Signup) -> Signup | None:
    """Cancel a place; the first on the waiting list moves up (returned, and told)."""
    activity = signup.activity
    permissions.require(
        signup.user_id == by.pk or permissions.is_staff(by, activity.community_id),
        "cancel this sign-up",
    )
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        signup = Signup.objects.select_for_update().get(pk=signup.pk)
        if signup.status == SignupStatus.CANCELLED:
            raise IllegalTransition("sign-up", signup.status, SignupStatus.CANCELLED)
        freed = signup.status == SignupStatus.CONFIRMED
        signup.status, signup.cancelled_at = SignupStatus.CANCELLED, clock.now()
        signup.save(update_fields=["status", "cancelled_at", "updated_at"])
        audit.record("activity.signup_cancelled", signup, actor=by, summary=str(activity))
        promoted = None
        if freed and _confirmed(activity) < activity.capacity:
            promoted = (
                activity.signups.filter(status=SignupStatus.WAITING)
                .order_by("signed_up_at", "id")
                .first()
            )
        if promoted is not None:
            promoted.status = SignupStatus.CONFIRMED
            promoted.save(update_fields=["status", "updated_at"])
            audit.record("activity.promoted", promoted, actor=by, summary=str(activity))
            if promoted.user_id:
                _tell(promoted, "activity.promoted", "promoted")
    return promoted


def _tell(signup: Signup, template: str, what: str) -> None:
    from community_brain.notify.services import notify

    activity = signup.activity
    notify(
        recipients=[signup.user],
        template=template,
        payload={
            "title": activity.title,
            "when": timezone.localtime(activity.starts_at).strftime("%m-%d %H:%M"),
            "place": activity.place,
        },
        idempotency_key=f"activity:{activity.pk}:signup:{signup.pk}:{what}",
        related=activity,
    )


# --- check-in -------------------------------------------------------------------------------
def checkin_token(signup: Signup) -> str:
    return signing.dumps({"s": signup.pk, "a": signup.activity_id}, salt=CHECKIN_SALT)


def signup_for_token(token: str) -> Signup:
    try:
        data = signing.loads(token, salt=CHECKIN_SALT)
    except signing.BadSignature:
        raise InvalidInput.single("token", _("This check-in code is not valid.")) from None
    signup = Signup.objects.select_related("activity").filter(pk=data.get("s")).first()
    if signup is None or signup.activity_id != data.get("a"):
        raise InvalidInput.single("token", _("This check-in code is not valid."))
    return signup


def check_in(*, by, signup: Signup) -> Signup:
    """Staff at the door scan the person's code: a confirmed place, on the day."""
    activity = signup.activity
    permissions.require(permissions.is_staff(by, activity.community_id), "check people in")
    with transaction.atomic():
        signup = Signup.objects.select_for_update().get(pk=signup.pk)
        if signup.status != SignupStatus.CONFIRMED:
            raise InvalidInput.single("token", _("This person has no confirmed place."))
        local_day = timezone.localtime(activity.starts_at).date()
        if clock.today() != local_day:
            raise InvalidInput.single("token", _("Check-in opens on the day of the activity."))
        if signup.checked_in_at is None:
            signup.checked_in_at = clock.now()
            signup.save(update_fields=["checked_in_at", "updated_at"])
            audit.record("activity.checked_in", signup, actor=by, summary=str(activity))
    return signup


def add_photo(*, by, activity: Activity, upload, caption: str = "") -> ActivityPhoto:
    permissions.require(permissions.is_staff(by, activity.community_id), "add photos")
    if activity.photos.count() >= MAX_PHOTOS:
        raise InvalidInput.single("photo", _("At most %(n)s photos.") % {"n": MAX_PHOTOS})
    clean = clean_image(upload, field="photo")
    with transaction.atomic():
        photo = ActivityPhoto.objects.create(
            activity=activity,
            image=clean.file,
            caption=caption[:100],
            uploaded_by=by,
            uploaded_at=clock.now(),
        )
        audit.record("activity.photo_added", photo, actor=by, summary=activity.title)
    return photo


# --- the reminder the day before (a periodic job) -------------------------------------------
def send_reminders() -> int:
    """Tell everyone with a confirmed place in tomorrow's activities; once each."""
    tomorrow = clock.today() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, time.min))
    due = Signup.objects.filter(
        status=SignupStatus.CONFIRMED,
        reminded_at__isnull=True,
        user__isnull=False,
        activity__is_cancelled=False,
        activity__starts_at__gte=start,
        activity__starts_at__lt=start + timedelta(days=1),
    ).select_related("activity__room", "user")
    sent = 0
    for signup in due:
        with transaction.atomic():
            claimed = Signup.objects.filter(pk=signup.pk, reminded_at__isnull=True).update(
                reminded_at=clock.now()
            )
            if claimed:
                _tell(signup, "activity.reminder", "reminder")
                sent += 1
    return sent
