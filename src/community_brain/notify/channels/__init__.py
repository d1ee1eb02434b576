"""Channels: how a notice leaves the system. Each channel is a small class with ``send``
(``base.BaseChannel``) in its own module; adding one means the module, a value in
``choices.Channel`` and a line in ``CHANNELS`` (docs/notifications.md)."""

from __future__ import annotations

from community_brain.notify.channels.base import (
    BaseChannel,
    DeliveryError,
    InAppChannel,
    Message,
    build_message,
)
from community_brain.notify.channels.email import EmailChannel
from community_brain.notify.channels.robots import RobotChannel
from community_brain.notify.channels.sms import SmsChannel
from community_brain.notify.choices import Channel

__all__ = ["CHANNELS", "BaseChannel", "DeliveryError", "Message", "build_message", "get"]

CHANNELS: dict[str, type[BaseChannel]] = {
    Channel.INAPP: InAppChannel,
    Channel.EMAIL: EmailChannel,
    Channel.SMS: SmsChannel,
    Channel.WEBHOOK: RobotChannel,
}


def get(code: str) -> BaseChannel:
    try:
        return CHANNELS[code]()
    except KeyError:
        raise DeliveryError(f"unknown channel {code!r}", permanent=True) from None
