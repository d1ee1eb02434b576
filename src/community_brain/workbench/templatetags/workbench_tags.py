"""Template helpers of the workbenches: a case's remaining time as a badge."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from community_brain.workbench.deadlines import time_left

register = template.Library()


@register.simple_tag
def time_left_badge(case, now):
    """ "3 working days left", "due today", "overdue 2 days" — or nothing without a deadline."""
    left = time_left(case, now)
    if left is None:
        return ""
    return format_html(
        '<span class="badge {}" data-time-left{}>{}</span>',
        left.colour,
        " data-late" if left.late else "",
        left.text,
    )
