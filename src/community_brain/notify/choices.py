"""Choices of the notify app: channels, delivery states, robot kinds, preferences."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    INAPP = "inapp", _("in-app")
    EMAIL = "email", _("email")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("group robot")


# Channels that reach one person; the group robot reaches an organisation's group chat.
PERSONAL_CHANNELS = (Channel.INAPP, Channel.EMAIL, Channel.SMS)
# Channels that can wake someone up, and so wait for the end of quiet hours.
PUSH_CHANNELS = frozenset({Channel.EMAIL, Channel.SMS})


class State(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed, will retry")
    DEAD = "dead", _("given up")


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk group robot (钉钉)")
    FEISHU = "feishu", _("Feishu group robot (飞书)")


class When(models.TextChoices):
    """When a person wants a channel used."""

    ALWAYS = "always", _("always")
    URGENT = "urgent", _("only for urgent notices")
    NEVER = "never", _("never")
