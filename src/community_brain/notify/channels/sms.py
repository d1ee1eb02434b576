"""SMS: a gateway interface and, for the demo, a backend that only logs.

A real gateway (Aliyun, Tencent Cloud, a carrier's SMPP bridge) is a subclass of
``SmsBackend`` named in the ``NOTIFY_SMS_BACKEND`` setting.
"""

from __future__ import annotations

import logging

from django.utils.module_loading import import_string

from community_brain.core.identifiers import mask_phone
from community_brain.notify import conf
from community_brain.notify.channels.base import BaseChannel, DeliveryError, Message
from community_brain.notify.choices import Channel

logger = logging.getLogger(__name__)

MAX_LENGTH = 300


class SmsBackend:
    """Send one text to one phone number; raise ``DeliveryError`` when the gateway refuses."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Writes each SMS to the log instead of sending it, and keeps them in ``outbox``
    (like Django's locmem email backend) for tests and the demo."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        LoggingSmsBackend.outbox.append((phone, text))
        logger.info("sms to %s: %s", mask_phone(phone), text)


def backend() -> SmsBackend:
    return import_string(conf.sms_backend())()


def sms_text(message: Message) -> str:
    """Short: the site's name as the signature (【…】), the title, then the link to act on
    (or, when there is none, the body)."""
    link = message.ack_url or message.url
    if not link and message.body:  # nothing to open: the body says it all (a one-time code)
        return f"【{conf.site_name()}】{message.body}"[:MAX_LENGTH]
    return f"【{conf.site_name()}】{message.title} {link}".rstrip()[:MAX_LENGTH]


class SmsChannel(BaseChannel):
    code = Channel.SMS

    def send(self, notice, message: Message) -> None:
        phone = notice.address or getattr(notice.recipient, "phone", "")
        if not phone:
            raise DeliveryError("the recipient has no phone number", permanent=True)
        backend().send(phone, sms_text(message))
