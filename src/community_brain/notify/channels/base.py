"""What every channel shares: the rendered message, the error a channel raises, the base
class. A channel raises ``DeliveryError`` when sending failed: ``permanent=True`` when
retrying cannot help (no address), otherwise the notice is retried with backoff."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from community_brain.notify import conf, templates
from community_brain.notify.choices import Channel


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Message:
    """A notice rendered for sending: texts, links, and who to mention in a group chat."""

    title: str
    body: str
    url: str
    ack_url: str = ""
    urgent: bool = False
    mentions: list[str] = field(default_factory=list)
    ack_label: str = "Acknowledge"
    details_label: str = "Details"

    def lines(self) -> list[str]:
        out = [self.body] if self.body else []
        if self.ack_url:
            out.append(f"{self.ack_label}: {self.ack_url}")
        if self.url:
            out.append(f"{self.details_label}: {self.url}")
        return out

    def text(self) -> str:
        return "\n".join([self.title, *self.lines()])


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return conf.base_url() + (path if path.startswith("/") else "/" + path)


def build_message(notice) -> Message:
    """Render a notice in the site's language, with absolute links."""
    from community_brain.notify.services import ack_token

    with translation.override(settings.LANGUAGE_CODE):
        rendered = templates.for_notice(notice)
        url = (notice.payload or {}).get("url") or ""
        if notice.recipient_id:
            link = absolute(url or reverse("notify:notice", args=[notice.pk]))
        elif notice.address:  # a text to someone without an account: nothing to open
            link = absolute(url) if url else ""
        else:
            link = absolute(url or reverse("notify:inbox"))
        ack_url = ""
        if notice.needs_ack and notice.recipient_id:
            ack_url = absolute(reverse("notify:ack_link", args=[ack_token(notice)]))
        return Message(
            title=rendered.title,
            body=rendered.body,
            url=link,
            ack_url=ack_url,
            urgent=notice.urgent,
            mentions=[str(p) for p in notice.mentions or []],
            ack_label=_("Acknowledge"),
            details_label=_("Details"),
        )


class BaseChannel:
    code: str = ""

    def send(self, notice, message: Message) -> None:
        raise NotImplementedError


class InAppChannel(BaseChannel):
    """The inbox: a notice is there as soon as it is written."""

    code = Channel.INAPP

    def send(self, notice, message: Message) -> None:
        return None
