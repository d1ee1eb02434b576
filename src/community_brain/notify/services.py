"""Every write of the notify app. Other modules call ``notify`` (inside their own transaction)
and ``oncall.on_duty``; pages and the API call the rest.

A notice is written in the caller's transaction and sent after it commits
(``transaction.on_commit``), so nobody is told about a change that rolled back; a replay
with the same idempotency key writes nothing new.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community_brain.accounts.permissions import access_for
from community_brain.core import audit, bulkinsert
from community_brain.core.errors import InvalidInput, validated
from community_brain.core.snapshots import Snapshot
from community_brain.notify import conf, oncall, templates
from community_brain.notify.choices import (
    PERSONAL_CHANNELS,
    PUSH_CHANNELS,
    Channel,
    State,
    When,
)
from community_brain.notify.forms import PreferenceForm, ShiftForm
from community_brain.notify.models import (
    Escalation,
    Notice,
    Preference,
    Shift,
    WebhookEndpoint,
)

logger = logging.getLogger(__name__)

ACK_SALT = "community_brain.notify.ack"
ALL_CHANNELS = frozenset(Channel.values)
_DEFAULT_PREFERENCE = Preference()  # what a person who never chose has; read, never saved


# --- sending --------------------------------------------------------------------------------
def notify(
    *,
    recipients: Iterable,
    template: str,
    payload: Mapping,
    urgent: bool = False,
    idempotency_key: str,
    related=None,
    channels: list[str] | None = None,
    organisation=None,
    compound=None,
    needs_ack: bool | None = None,
) -> list[Notice]:
    """Queue one notice per recipient per channel; return the notices (new or replayed).

    ``channels``: default the recipient's preferences (in-app always; email, SMS as they
    chose) plus, when ``organisation`` is given, its group robots. A list narrows that
    choice — a person is never reached on a channel their preferences turn off — and
    ``"webhook"`` in it asks for the organisation's robots. ``urgent`` notices ignore quiet
    hours and, unless ``needs_ack=False``, wait for acknowledgement: unacknowledged, they
    escalate along ``organisation``'s chain (default: the first recipient's organisation),
    for ``compound`` when given.
    """
    _check(idempotency_key, template)
    requested = _requested(channels)
    payload = _plain_payload(payload)
    needs_ack = urgent if needs_ack is None else needs_ack
    people = _people(recipients)
    endpoints = _robots(organisation, urgent=urgent, requested=requested)
    with transaction.atomic():
        escalation = None
        if needs_ack and people:
            opening = _Opening(
                idempotency_key, template, payload, related, people, organisation, compound
            )
            escalation = _open_escalations([opening], timezone.now())[idempotency_key]
        return _write(
            people=people,
            endpoints=endpoints,
            template=template,
            payload=payload,
            urgent=urgent,
            needs_ack=needs_ack,
            key=idempotency_key,
            related=related,
            requested=requested,
            escalation=escalation,
        )


def notify_many(calls: list[Mapping]) -> None:
    """Many ``notify`` calls (their keyword arguments) in one write: one INSERT of notices
    and, for those to be acknowledged, one of escalations. Calls that reach group robots,
    narrow the channels or escalate along a compound's chain take ``notify`` one by one;
    the result is the same as calling it for each."""
    batch = []
    for call in calls:
        if any(call.get(name) for name in ("organisation", "channels", "compound")):
            notify(**call)
        else:
            batch.append(call)
    if not batch:
        return
    now = timezone.now()
    prepared = []
    for call in batch:
        _check(call["idempotency_key"], call["template"])
        urgent = bool(call.get("urgent"))
        needs_ack = urgent if call.get("needs_ack") is None else call["needs_ack"]
        people = _people(call["recipients"])
        payload = _plain_payload(call["payload"])
        prepared.append((call, people, payload, urgent, needs_ack))
    openings = [
        _Opening(c["idempotency_key"], c["template"], payload, c.get("related"), people)
        for c, people, payload, _urgent, ack in prepared
        if ack and people
    ]
    escalations = _open_escalations(openings, now)
    preferences = _preferences.get()
    rows = []
    for call, people, payload, urgent, needs_ack in prepared:
        rows += _rows(
            people=people,
            endpoints=[],
            template=call["template"],
            payload=payload,
            urgent=urgent,
            needs_ack=needs_ack,
            key=call["idempotency_key"],
            related=call.get("related"),
            requested=None,
            escalation=escalations.get(call["idempotency_key"]),
            respect_preferences=True,
            preferences=preferences,
            now=now,
        )
    if not rows:
        return
    bulkinsert.insert(rows, ignore_conflicts=True)  # replays keep the first row
    if all(row.state != State.PENDING for row in rows):
        return  # only in-app rows, delivered as written: nothing for the worker
    due = Notice.objects.filter(
        idempotency_key__in={c["idempotency_key"] for c, *_rest in prepared},
        endpoint__isnull=True,
        state=State.PENDING,
        next_attempt_at__lte=now,
    ).values_list("pk", "urgent")
    by_urgency: dict[bool, list[int]] = {}
    for pk, urgent in due:
        by_urgency.setdefault(urgent, []).append(pk)
    for urgent, ids in by_urgency.items():
        transaction.on_commit(partial(enqueue, ids, urgent=urgent), robust=True)


def _check(key: str, template: str) -> None:
    if not key or len(key) > 190:  # room for escalation suffixes
        raise ValueError("idempotency_key: give 1 to 190 characters")
    if not templates.exists(template):
        raise ValueError(f"unknown notice template {template!r}: add it to notify.templates")


@dataclass
class _Opening:
    """What an escalation is opened with: the notice's key, template, payload and object,
    the people told, and the chain (default: the first person's organisation)."""

    key: str
    template: str
    payload: dict
    related: object
    people: list
    organisation: object = None
    compound: object = None


def _open_escalations(openings: list[_Opening], now) -> dict[str, Escalation]:
    """The escalations of notices to be acknowledged, by key, written in one INSERT; on a
    replay the first one is kept."""
    if not openings:
        return {}
    homeless = {o.people[0].pk for o in openings if o.organisation is None}
    homes = oncall.home_organisation_ids(list(homeless), now) if homeless else {}
    fresh = []
    for opening in openings:
        related_type, related_id = _related(opening.related)
        organisation = opening.organisation
        fresh.append(
            Escalation(
                key=opening.key,
                organisation_id=organisation.pk if organisation else homes[opening.people[0].pk],
                compound=opening.compound,
                template=opening.template,
                payload=opening.payload,
                related_type=related_type,
                related_id=related_id,
                notified=[p.pk for p in opening.people],
                due_at=now + conf.escalate_after(),
                created_at=now,
            )
        )
    bulkinsert.insert(fresh, ignore_conflicts=True)
    return {e.key: e for e in Escalation.objects.filter(key__in=[e.key for e in fresh])}


def _all_preferences() -> dict[int, Preference]:
    return {p.user_id: p for p in Preference.objects.all()}


# Everyone's preferences, by user id: read for every notice, edited rarely and by few. An
# edit in this process shows at once; one made in another process within 10 s, as grants
# do (ACCESS_CACHE_SECONDS). People without a row have the defaults.
_preferences = Snapshot(_all_preferences, models=(Preference,), ttl=10)


def alert(
    *,
    organisation,
    template: str,
    payload: Mapping,
    idempotency_key: str,
    compound=None,
    related=None,
) -> list[Notice]:
    """An urgent notice to whoever is called first on the rota now (the leaders when nobody
    is rostered), posted to the organisation's group robots, escalating until someone
    acknowledges it. For alarms and other things that cannot wait."""
    return notify(
        recipients=oncall.first_responders(organisation=organisation, compound=compound),
        template=template,
        payload=payload,
        urgent=True,
        idempotency_key=idempotency_key,
        related=related,
        organisation=organisation,
        compound=compound,
    )


def send_sms(
    *, phone: str, template: str, payload: Mapping, idempotency_key: str, secret: bool = True
) -> Notice:
    """A text to a phone number that belongs to no account (a resident proving their number).
    ``secret`` payloads (a one-time code) are wiped from the outbox once sent or given up."""
    if not phone:
        raise ValueError("phone: give the number to text")
    if not templates.exists(template):
        raise ValueError(f"unknown notice template {template!r}: add it to notify.templates")
    with transaction.atomic():
        notice, created = Notice.objects.get_or_create(
            idempotency_key=idempotency_key,
            channel=Channel.SMS,
            recipient=None,
            endpoint=None,
            defaults={
                "address": phone,
                "template": template,
                "payload": _plain_payload(payload),
                "urgent": True,  # the person is waiting for it: quiet hours do not apply
                "scrub_payload": secret,
            },
        )
        if created:
            transaction.on_commit(partial(enqueue, [notice.pk], urgent=True), robust=True)
    return notice


def _requested(channels) -> frozenset[str] | None:
    if channels is None:
        return None
    unknown = set(channels) - ALL_CHANNELS
    if unknown:
        raise ValueError(f"unknown channels {sorted(unknown)}; use {sorted(ALL_CHANNELS)}")
    return frozenset(channels)


def _plain_payload(payload) -> dict:
    try:
        return json.loads(json.dumps(dict(payload or {}), cls=DjangoJSONEncoder))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the payload must be JSON: {exc}") from exc


def _people(recipients) -> list:
    seen, out = set(), []
    for user in recipients or []:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        out.append(user)
    return out


def _robots(organisation, *, urgent: bool, requested) -> list[WebhookEndpoint]:
    if organisation is None:
        return []
    if requested is not None and Channel.WEBHOOK not in requested:
        return []
    robots = WebhookEndpoint.objects.filter(organisation=organisation, is_active=True)
    if requested is None and not urgent:
        robots = robots.filter(urgent_only=False)
    return list(robots.order_by("id"))


def channels_for(user, preference: Preference | None, *, urgent: bool, requested=None):
    """The personal channels a notice takes to one person."""
    preference = preference or _DEFAULT_PREFERENCE
    wanted = [Channel.INAPP]
    for channel, address, when in (
        (Channel.EMAIL, user.email, preference.email),
        (Channel.SMS, getattr(user, "phone", ""), preference.sms),
    ):
        if address and (when == When.ALWAYS or (when == When.URGENT and urgent)):
            wanted.append(channel)
    if requested is not None:
        wanted = [c for c in wanted if c in requested]
    return wanted


def _related(related) -> tuple[str, str]:
    if related is None:
        return "", ""
    if isinstance(related, tuple):  # already (object type, object id)
        return related
    return related._meta.label_lower, str(related.pk)


def _write(
    *,
    people,
    endpoints,
    template,
    payload,
    urgent,
    needs_ack,
    key,
    related,
    requested,
    escalation=None,
    respect_preferences: bool = True,
) -> list[Notice]:
    now = timezone.now()
    preferences = _preferences.get()
    rows = _rows(
        people=people,
        endpoints=endpoints,
        template=template,
        payload=payload,
        urgent=urgent,
        needs_ack=needs_ack,
        key=key,
        related=related,
        requested=requested,
        escalation=escalation,
        respect_preferences=respect_preferences,
        preferences=preferences,
        now=now,
    )
    if rows:
        # A replay (or a concurrent one that won the race) meets the unique constraints,
        # which keep the first row.
        Notice.objects.bulk_create(rows, ignore_conflicts=True)
    notices = list(
        Notice.objects.filter(
            Q(recipient__in=people, endpoint__isnull=True) | Q(endpoint__in=endpoints),
            idempotency_key=key,
        )
        .select_related("recipient", "endpoint")
        .order_by("id")
    )
    due = [n.pk for n in notices if n.state == State.PENDING and n.next_attempt_at <= now]
    if due:
        transaction.on_commit(partial(enqueue, due, urgent=urgent), robust=True)
    return notices


def _rows(
    *,
    people,
    endpoints,
    template,
    payload,
    urgent,
    needs_ack,
    key,
    related,
    requested,
    escalation,
    respect_preferences,
    preferences,
    now,
) -> list[Notice]:
    """The outbox rows of one notice: per person per channel, and per group robot."""
    related_type, related_id = _related(related)
    common = {
        "template": template,
        "payload": payload,
        "idempotency_key": key,
        "urgent": urgent,
        "related_type": related_type,
        "related_id": related_id,
        "created_at": now,
    }
    rows = []
    for person in people:
        preference = preferences.get(person.pk)
        if respect_preferences:
            wanted = channels_for(person, preference, urgent=urgent, requested=requested)
        else:
            wanted = [c for c in PERSONAL_CHANNELS if c in (requested or ())]
        for channel in wanted:
            row = Notice(  # ids, not objects: the rows are written, not read back
                recipient_id=person.pk,
                channel=channel,
                needs_ack=needs_ack,
                escalation_id=escalation.pk if escalation else None,
                next_attempt_at=now,
                **common,
            )
            if channel == Channel.INAPP:  # in the inbox as soon as it is written
                row.state, row.delivered_at = State.DELIVERED, now
            elif channel in PUSH_CHANNELS and not urgent and preference is not None:
                row.next_attempt_at = preference.quiet_until(now) or now
            rows.append(row)
    phones = [p.phone for p in people if urgent and getattr(p, "phone", "")]
    rows.extend(
        Notice(endpoint=e, channel=Channel.WEBHOOK, mentions=phones, next_attempt_at=now, **common)
        for e in endpoints
    )
    return rows


def enqueue(notice_ids: list[int], *, urgent: bool = False) -> None:
    """Hand notices to the worker; if the queue is down, the periodic sweep finds them."""
    from community_brain.notify.tasks import deliver_notices

    task = deliver_notices.using(priority=10) if urgent else deliver_notices
    task.enqueue(list(notice_ids))


def send_escalation_step(escalation: Escalation, person) -> list[Notice]:
    """The notice an escalation sends to the next person in the chain (``escalation.step``)."""
    endpoints = []
    if escalation.organisation_id:
        endpoints = list(
            WebhookEndpoint.objects.filter(
                organisation_id=escalation.organisation_id, is_active=True
            ).order_by("id")
        )
    return _write(
        people=[person],
        endpoints=endpoints,
        template=escalation.template,
        payload={**escalation.payload, "_escalation_step": escalation.step},
        urgent=True,
        needs_ack=True,
        key=f"{escalation.key}#{escalation.step}",
        related=(escalation.related_type, escalation.related_id),
        requested=None,
        escalation=escalation,
    )


def send_test(*, by, endpoint: WebhookEndpoint) -> Notice:
    """Post a test message through one group robot."""
    if not access_for(by).is_admin and not oncall.can_manage(by, endpoint.organisation):
        raise PermissionDenied
    with transaction.atomic():
        notices = _write(
            people=[],
            endpoints=[endpoint],
            template="notify.test",
            payload={},
            urgent=False,
            needs_ack=False,
            key=f"test:{endpoint.pk}:{uuid.uuid4().hex}",
            related=endpoint,
            requested=None,
        )
        audit.record("webhook.test", endpoint, actor=by, summary=endpoint.name)
    return notices[0]


# --- acknowledging and reading --------------------------------------------------------------
def ack_token(notice: Notice) -> str:
    """A signed token naming the notice, for an acknowledgement link in an SMS or email."""
    return signing.dumps(notice.pk, salt=ACK_SALT)


def notice_for_token(token: str) -> Notice:
    """The notice a token names; ``signing.BadSignature`` (or its subclass
    ``SignatureExpired``) when it is forged or too old, ``Notice.DoesNotExist`` when gone."""
    pk = signing.loads(token, salt=ACK_SALT, max_age=conf.ack_token_max_age())
    return Notice.objects.select_related("recipient", "escalation").get(pk=pk)


def _may_acknowledge(by, notice: Notice) -> bool:
    if by is None or not getattr(by, "is_authenticated", False):
        return False
    if notice.recipient_id == by.pk or access_for(by).is_admin:
        return True
    return bool(notice.escalation_id and by.pk in (notice.escalation.notified or []))


def acknowledge(notice: Notice, by) -> Notice:
    """Someone has taken the notice in hand: escalation stops, the others in the chain are
    told in their inbox. Acknowledging twice changes nothing."""
    with transaction.atomic():
        notice = Notice.objects.select_related("escalation", "recipient").get(pk=notice.pk)
        if not _may_acknowledge(by, notice):
            raise PermissionDenied("not yours to acknowledge")
        if not notice.needs_ack:
            raise InvalidInput.single("__all__", _("This notice does not ask to be acknowledged."))
        now = timezone.now()
        escalation = notice.escalation
        if escalation is not None:
            first = Escalation.objects.filter(
                pk=escalation.pk, acknowledged_at__isnull=True
            ).update(acknowledged_at=now, acknowledged_by=by, due_at=None)
            Notice.objects.filter(escalation=escalation, acknowledged_at__isnull=True).update(
                acknowledged_at=now, acknowledged_by=by
            )
            mine = Q(escalation=escalation)
        else:
            first = Notice.objects.filter(
                idempotency_key=notice.idempotency_key,
                recipient_id=notice.recipient_id,
                acknowledged_at__isnull=True,
            ).update(acknowledged_at=now, acknowledged_by=by)
            mine = Q(idempotency_key=notice.idempotency_key)
        Notice.objects.filter(mine, recipient=by, channel=Channel.INAPP, read_at=None).update(
            read_at=now
        )
        if first:
            title = templates.render(notice.template, notice.payload).title
            audit.record(
                "notice.acknowledge",
                notice,
                actor=by,
                summary=title,
                data={"escalation": escalation.pk if escalation else None},
            )
            if escalation is not None:
                _tell_the_others(escalation, by, title)
        notice.refresh_from_db()
    return notice


def _tell_the_others(escalation: Escalation, by, title: str) -> None:
    from community_brain.accounts.models import User

    others = User.objects.filter(pk__in=escalation.notified, is_active=True).exclude(pk=by.pk)
    if others:
        _write(
            people=list(others),
            endpoints=[],
            template="notify.acknowledged",
            payload={"by": str(by), "subject": title},
            urgent=False,
            needs_ack=False,
            key=f"{escalation.key}#ack",
            related=None,
            requested=frozenset({Channel.INAPP}),
        )


def mark_read(notice: Notice, by) -> Notice:
    if notice.recipient_id != getattr(by, "pk", None):
        raise PermissionDenied("not your notice")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def mark_all_read(by) -> int:
    return Notice.objects.inbox(by).unread().update(read_at=timezone.now())


def requeue(*, by, notices) -> int:
    """Give notices that were given up (or are failing) a fresh set of attempts."""
    if not access_for(by).is_admin:
        raise PermissionDenied
    now = timezone.now()
    ids = []
    with transaction.atomic():
        for notice in notices:
            moved = Notice.objects.filter(
                pk=notice.pk, state__in=[State.DEAD, State.FAILED]
            ).update(state=State.PENDING, attempts=0, next_attempt_at=now, claimed_by="")
            if moved:
                ids.append(notice.pk)
                audit.record("notice.requeue", notice, actor=by, summary=notice.template)
        if ids:
            transaction.on_commit(partial(enqueue, ids), robust=True)
    return len(ids)


# --- the rota -------------------------------------------------------------------------------
@transaction.atomic
def add_shift(*, by, data: Mapping) -> Shift:
    form = ShiftForm(data=data, organisations=oncall.organisations_visible_to(by))
    cleaned = validated(form)
    if not oncall.can_manage(by, cleaned["organisation"]):
        raise PermissionDenied("not allowed to keep this organisation's rota")
    shift = form.save(commit=False)
    shift.created_by = by
    shift.save()
    audit.record(
        "shift.add",
        shift,
        actor=by,
        summary=str(shift),
        data={"organisation": shift.organisation_id, "user": shift.user_id},
    )
    return shift


@transaction.atomic
def remove_shift(*, by, shift: Shift) -> None:
    if not oncall.can_manage(by, shift.organisation):
        raise PermissionDenied("not allowed to keep this organisation's rota")
    audit.record(
        "shift.remove",
        shift,
        actor=by,
        summary=str(shift),
        data={"organisation": shift.organisation_id, "user": shift.user_id},
    )
    shift.delete()


# --- preferences ----------------------------------------------------------------------------
def preference_of(user) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


@transaction.atomic
def save_preferences(*, by, data: Mapping) -> Preference:
    preference = preference_of(by)
    fields = ("email", "sms", "quiet_start", "quiet_end", "daily_digest")
    before = {f: getattr(preference, f) for f in fields}
    form = PreferenceForm(data=data, instance=preference)
    validated(form)
    preference = form.save()
    audit.record(
        "preference.update",
        preference,
        actor=by,
        data=audit.changed_fields(before, {f: getattr(preference, f) for f in fields}),
    )
    return preference


# --- periodic ---------------------------------------------------------------------------------
def send_daily_digests() -> int:
    """Each morning, an email to those who asked for it, counting their unread notices."""
    today = timezone.localdate()
    sent = 0
    for preference in Preference.objects.filter(
        daily_digest=True, user__is_active=True
    ).select_related("user"):
        user = preference.user
        count = Notice.objects.inbox(user).unread().count()
        if not count or not user.email:
            continue
        with transaction.atomic():
            _write(
                people=[user],
                endpoints=[],
                template="notify.digest",
                payload={"count": count, "url": "/notices/?unread=1"},
                urgent=False,
                needs_ack=False,
                key=f"digest:{user.pk}:{today.isoformat()}",
                related=None,
                requested=frozenset({Channel.EMAIL}),
                respect_preferences=False,
            )
        sent += 1
    return sent
