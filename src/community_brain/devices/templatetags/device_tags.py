"""Template helpers of the device pages: online and severity badges, battery, rule sentences."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from community_brain.devices.choices import Operator, Severity, Trigger

register = template.Library()

SEVERITY_COLOURS = {
    Severity.CRITICAL: "red",
    Severity.MAJOR: "orange",
    Severity.MINOR: "blue",
    Severity.WARNING: "",
}


@register.simple_tag
def online_badge(device):
    if not device.is_active:
        return format_html('<span class="badge" data-online="off">{}</span>', _("switched off"))
    if device.online:
        return format_html('<span class="badge green" data-online="1">{}</span>', _("online"))
    return format_html('<span class="badge" data-online="0">{}</span>', _("offline"))


@register.simple_tag
def severity_badge(alarm_or_rule):
    sev = alarm_or_rule.severity
    return format_html(
        '<span class="badge {}" data-severity="{}">{}</span>',
        SEVERITY_COLOURS.get(sev, ""),
        sev,
        alarm_or_rule.get_severity_display(),
    )


@register.simple_tag
def battery(value):
    if value is None:
        return "—"
    colour = "red" if value < 20 else ("orange" if value < 40 else "")
    return format_html('<span class="badge {}">{}%</span>', colour, round(value))


@register.filter
def by_compound(counts):
    """[(compound name, (online, offline))] from the online counts."""
    out: dict[str, list[int]] = {}
    for row in counts:
        pair = out.setdefault(row["compound__name"], [0, 0])
        pair[0] += row["online_n"]
        pair[1] += row["offline_n"]
    return list(out.items())


@register.filter
def sum_values(values):
    return sum(values)


def _num(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@register.filter
def trigger_text(rule):
    """The trigger in plain words: "gas > 25 for 10 s", "event smoke_alarm"."""
    if rule.trigger == Trigger.THRESHOLD:
        op = dict(Operator.choices).get(rule.operator, rule.operator)
        text = f"{rule.key} {op} {_num(rule.threshold)}"
        if rule.hold_seconds:
            text += " " + _("held %(n)s s") % {"n": rule.hold_seconds}
        if rule.clear_threshold is not None:
            text += " · " + _("clears at %(v)s") % {"v": _num(rule.clear_threshold)}
        return text
    if rule.trigger == Trigger.EVENT:
        return _("event %(type)s") % {"type": rule.event_type}
    if rule.trigger == Trigger.OFFLINE:
        return _("offline %(n)s min") % {"n": rule.minutes}
    if rule.trigger == Trigger.INACTIVITY:
        return _("no activity %(n)s min") % {"n": rule.minutes}
    return rule.get_trigger_display()


def _hhmm(value) -> str:
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)[:5]


@register.filter
def conditions_text(rule):
    parts = []
    if rule.active_from and rule.active_until:
        parts.append(f"{_hhmm(rule.active_from)}–{_hhmm(rule.active_until)}")
    if rule.compound_id:
        parts.append(str(rule.compound))
    return " · ".join(parts) or _("always, everywhere")


@register.filter
def get_count(counts, key):
    return counts.get(key, 0)
