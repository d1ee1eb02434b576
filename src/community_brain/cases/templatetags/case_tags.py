"""Template helpers for cases: status colours, deadline countdowns, plain-words timeline."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community_brain.cases import timeline

register = template.Library()

COLOURS = {
    "reported": "orange",
    "accepted": "blue",
    "assigned": "blue",
    "in_progress": "blue",
    "resolved": "green",
    "verified": "green",
    "closed": "",
    "rejected": "",
    "duplicate": "",
}


@register.simple_tag
def status_badge(case):
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        COLOURS.get(case.status, ""),
        case.status,
        case.get_status_display(),
    )


@register.simple_tag
def deadline_badge(case, now=None):
    if case.resolve_by is None or not case.is_open:
        return ""
    now = now or timezone.now()
    if case.paused_at:
        return format_html('<span class="badge">{}</span>', _("clock paused"))
    left = case.resolve_by - now
    hours = int(left.total_seconds() // 3600)
    if hours < 0:
        late = -hours
        text = (
            ngettext("overdue %(n)s hour", "overdue %(n)s hours", late) % {"n": late}
            if late < 48
            else _("overdue %(n)s days") % {"n": late // 24}
        )
        return format_html('<span class="badge red">{}</span>', text)
    if hours < 48:
        return format_html('<span class="badge orange">{}</span>', _("%(n)s h left") % {"n": hours})
    return format_html('<span class="badge">{}</span>', _("%(n)s days left") % {"n": hours // 24})


@register.filter
def sentence(event):
    return timeline.sentence(event)
