"""The timeline in plain words, as the reporter reads it."""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import gettext as _

from community_brain.cases.choices import EventKind, Rating, Resolution


def sentence(event) -> str:
    """One plain sentence per step; the actor's own words (``message``) follow it."""
    data = event.data or {}
    k = event.kind
    if k == EventKind.REPORTED:
        return _("The problem was reported.")
    if k == EventKind.ACCEPTED:
        return _("The community accepted the case.")
    if k == EventKind.ASSIGNED:
        return _("Handed to %(org)s to deal with.") % {"org": _org(data.get("organisation"))}
    if k == EventKind.TRANSFERRED:
        return _("Transferred to %(org)s.") % {"org": _org(data.get("to"))}
    if k == EventKind.RETURNED:
        return _("Returned to the community by the organisation it was given to.")
    if k == EventKind.STARTED:
        return _("Work has started.")
    if k == EventKind.PAUSED:
        return _("The clock is paused while we wait for you.")
    if k == EventKind.RESUMED:
        return _("The clock runs again.")
    if k == EventKind.EXTENSION_REQUESTED:
        return _("More time was asked for (%(n)s working days).") % {"n": data.get("workdays")}
    if k == EventKind.EXTENSION_APPROVED:
        return _("More time was granted (%(n)s working days).") % {"n": data.get("workdays")}
    if k == EventKind.EXTENSION_REFUSED:
        return _("The request for more time was refused.")
    if k == EventKind.RESOLVED:
        outcome = data.get("resolution")
        label = Resolution(outcome).label if outcome in Resolution.values else ""
        return _("The work is reported done: %(outcome)s.") % {"outcome": label}
    if k == EventKind.SENT_BACK:
        return _("On checking, the work was not finished; it was sent back.")
    if k == EventKind.VERIFIED:
        return _("Community staff checked the result.")
    if k == EventKind.RATED:
        rating = data.get("rating")
        label = Rating(rating).label if rating in Rating.values else ""
        return _("Rated: %(rating)s.") % {"rating": label}
    if k == EventKind.CLOSED:
        return _("The case is closed.")
    if k == EventKind.REOPENED:
        return _("The case was reopened to be done again.")
    if k == EventKind.REJECTED:
        return _("The case was not accepted.")
    if k == EventKind.DUPLICATE:
        return _("Same problem as case %(code)s, followed there.") % {"code": data.get("of_code")}
    if k == EventKind.INFO_ADDED:
        return _("The reporter added information.")
    if k == EventKind.COMMENTED:
        return _("Note.")
    if k == EventKind.ALARM_RAISED:
        return _("Device %(device)s raised an alarm.") % {"device": data.get("device", "")}
    if k == EventKind.ALARM_CLEARED:
        return _("The device's alarm was cleared.")
    if k == EventKind.OVERDUE:
        return _("The deadline passed.")
    if k == EventKind.ESCALATED:
        return _("Escalated to level %(n)s.") % {"n": data.get("level")}
    if k == EventKind.FLAGGED:
        return _("Flagged for supervision.")
    if k == EventKind.CO_HANDLER_ADDED:
        return _("%(org)s joins the handling.") % {"org": _org(data.get("organisation"))}
    return event.get_kind_display()


def _org(pk) -> str:
    return _org_name(pk) if pk else "—"


@lru_cache(maxsize=2048)
def _org_name(pk: int) -> str:
    """Organisation names rarely change; a timeline or an Open311 list names many."""
    from community_brain.accounts.models import Organisation

    org = Organisation.objects.filter(pk=pk).only("name", "short_name").first()
    return str(org) if org else "—"
