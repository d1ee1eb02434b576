"""The community-work section drafted from the ledger and the activities, for staff to edit:
the cases solved in the fortnight by title, the fortnight's figures (``cases.queries``, the
same figures as the ledger's pages), the activities held, and what comes next."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from community_brain.activities.models import Activity
from community_brain.bulletins import periods
from community_brain.cases import queries as case_queries
from community_brain.cases.choices import Resolution, Status
from community_brain.cases.models import Case

MAX_LISTED = 30


def solved_cases(community, start, end):
    """The cases solved in the fortnight: fixed, verified or closed, resolved within it."""
    begin, stop = periods.bounds(start, end)
    return (
        Case.objects.filter(
            community=community,
            resolution=Resolution.FIXED,
            status__in=[Status.VERIFIED, Status.CLOSED],
            resolved_at__gte=begin,
            resolved_at__lt=stop,
        )
        .select_related("compound")
        .order_by("resolved_at", "id")
    )


def figures(community, start, end) -> dict:
    """The ledger's figures over the cases reported in the fortnight."""
    begin, stop = periods.bounds(start, end)
    cases = Case.objects.filter(community=community, reported_at__gte=begin, reported_at__lt=stop)
    return case_queries.figures(cases)


def _activities(community, begin, stop):
    return (
        Activity.objects.filter(
            community=community,
            is_cancelled=False,
            is_published=True,
            starts_at__gte=begin,
            starts_at__lt=stop,
        )
        .select_related("room")
        .order_by("starts_at")
    )


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def draft(community, start, end) -> tuple[str, dict]:
    """(the text, the facts it was made from) — in the site's language."""
    solved = list(solved_cases(community, start, end))
    numbers = figures(community, start, end)
    held = list(_activities(community, *periods.bounds(start, end)))
    next_start, next_end = periods.following(start)
    coming = list(_activities(community, *periods.bounds(next_start, next_end)))
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            _(
                "From %(start)s to %(end)s the community took in %(total)s problems and "
                "solved %(solved)s."
            )
            % {
                "start": f"{start:%m-%d}",
                "end": f"{end:%m-%d}",
                "total": numbers["total"],
                "solved": len(solved),
            }
        ]
        rates = []
        if numbers["on_time_rate"] is not None:
            rates.append(_("on time: %(rate)s%%") % {"rate": numbers["on_time_rate"]})
        if numbers["satisfaction_rate"] is not None:
            rates.append(_("satisfied: %(rate)s%%") % {"rate": numbers["satisfaction_rate"]})
        if rates:
            lines.append("; ".join(rates) + ".")
        if solved:
            lines += ["", _("Solved:")]
            lines += [
                f"· {c.title}" + (f"（{c.compound.name}）" if c.compound_id else "")
                for c in solved[:MAX_LISTED]
            ]
            if len(solved) > MAX_LISTED:
                lines.append(_("… and %(n)s more.") % {"n": len(solved) - MAX_LISTED})
        if held:
            lines += ["", _("Activities held:")]
            lines += [f"· {_when(a.starts_at)} {a.title}（{a.place}）" for a in held]
        lines += ["", _("Coming next:")]
        lines += [f"· {_when(a.starts_at)} {a.title}（{a.place}）" for a in coming] or [
            _("(to be announced)")
        ]
    facts = {
        "solved": [{"code": c.code, "title": c.title} for c in solved],
        "figures": {k: numbers[k] for k in ("total", "fixed", "on_time_rate", "satisfaction_rate")},
        "held": [a.pk for a in held],
        "coming": [a.pk for a in coming],
    }
    return "\n".join(lines), facts
