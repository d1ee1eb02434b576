"""The texts of notices: a registry of template codes → (title, body), English source strings
translated with gettext, filled with the notice's payload when it is shown or sent.

Placeholders are plain names (``{code}``); a placeholder the payload lacks renders empty,
payload keys the text does not use are ignored, and nothing a payload holds can make
rendering fail. Other modules add their own texts with ``register``.
"""

from __future__ import annotations

import string
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

TEMPLATES: dict[str, tuple[str | Promise, str | Promise]] = {
    "case.assigned": (
        _("Case {code} assigned to you: {title}"),
        _("Deadline: {deadline}. {summary}"),
    ),
    "case.transferred": (
        _("Case {code} transferred to you: {title}"),
        _("Transferred by {by}. Reason: {reason}"),
    ),
    "case.returned": (
        _("Case {code} returned: {title}"),
        _("Returned by {by}. Reason: {reason}"),
    ),
    "case.deadline_near": (
        _("Case {code} is due soon: {title}"),
        # xgettext:no-python-format
        _("{percent}% of the time allowed is used; the deadline is {deadline}."),
    ),
    "case.overdue": (
        _("Case {code} is overdue: {title}"),
        _("The deadline was {deadline}."),
    ),
    "case.reopened": (
        _("Case {code} reopened: {title}"),
        _("Reopened by {by}. Reason: {reason}"),
    ),
    "case.rated": (
        _("Case {code} rated {rating}: {title}"),
        "{comment}",
    ),
    "alarm.raised": (
        _("Alarm at {place}: {title}"),
        "{detail}",
    ),
    "notify.acknowledged": (
        _("{by} acknowledged: {subject}"),
        _("Someone is on it; no need to act any more."),
    ),
    "notify.digest": (
        _("{count} unread notices"),
        _("You have {count} notices not yet read in the inbox."),
    ),
    "notify.test": (
        _("Test message"),
        _("If you can read this, notices reach this channel."),
    ),
}


def register(code: str, title: str | Promise, body: str | Promise = "") -> None:
    """Add or replace the texts of a template (call at import time, with gettext_lazy)."""
    TEMPLATES[code] = (title, body)


def exists(code: str) -> bool:
    return code in TEMPLATES


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


class _Lenient(string.Formatter):
    """str.format that never fails: unknown or dotted names render empty, bad specs plainly."""

    def get_field(self, field_name, args, kwargs):
        if not field_name.isidentifier():
            return "", field_name
        return kwargs.get(field_name, ""), field_name

    def format_field(self, value, format_spec):
        if value is None:
            return ""
        try:
            return super().format_field(value, format_spec)
        except (TypeError, ValueError):
            return str(value)


_FORMATTER = _Lenient()


def _readable(value):
    """A moment sent as ISO 8601 (payloads are JSON) reads as local time: 2026-11-30 23:59."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return value


def fill(text, payload: dict) -> str:
    text = str(text)
    values = {key: _readable(value) for key, value in (payload or {}).items()}
    try:
        return _FORMATTER.vformat(text, (), values).strip()
    except (ValueError, IndexError):  # an unbalanced brace in a translation
        return text


def render(code: str, payload: dict | None, *, language: str | None = None) -> Rendered:
    """The title and body of a notice, in the given language (default: the active one)."""
    payload = payload if isinstance(payload, dict) else {}
    with translation.override(language) if language else nullcontext():
        texts = TEMPLATES.get(code)
        if texts is None:
            details = ", ".join(f"{k}: {v}" for k, v in payload.items() if not k.startswith("_"))
            return Rendered(title=code, body=details)
        return Rendered(title=fill(texts[0], payload), body=fill(texts[1], payload))


def for_notice(notice, *, language: str | None = None) -> Rendered:
    """A notice's texts; a notice that reached someone by escalation says so."""
    payload = notice.payload if isinstance(notice.payload, dict) else {}
    with translation.override(language) if language else nullcontext():
        rendered = render(notice.template, payload)
        if not payload.get("_escalation_step"):
            return rendered
        return Rendered(
            title=gettext("Escalated: %(title)s") % {"title": rendered.title},
            body=" ".join(
                [gettext("Nobody acknowledged it in time; it now comes to you."), rendered.body]
            ).strip(),
        )
