"""Email through Django's email backend (SMTP in production: EMAIL_HOST and friends)."""

from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage

from community_brain.notify import conf
from community_brain.notify.channels.base import BaseChannel, DeliveryError, Message
from community_brain.notify.choices import Channel


class EmailChannel(BaseChannel):
    code = Channel.EMAIL

    def send(self, notice, message: Message) -> None:
        address = getattr(notice.recipient, "email", "")
        if not address:
            raise DeliveryError("the recipient has no email address", permanent=True)
        subject = f"[{conf.site_name()}] {message.title}".replace("\n", " ")[:200]
        try:
            EmailMessage(subject=subject, body=message.text(), to=[address]).send()
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"email: {exc}") from exc
