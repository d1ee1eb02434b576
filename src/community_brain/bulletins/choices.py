"""Choices of the fortnightly bulletin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IssueStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    REVIEW = "review", _("in review")
    PUBLISHED = "published", _("published")


class SectionKind(models.TextChoices):
    """The four parts of every issue, in the order they appear."""

    AUDIO = "audio", _("audio broadcast")
    VIDEO = "video", _("activity video")
    COMMUNITY = "community", _("community work")
    COMPOUND = "compound", _("compound work")


class SectionReview(models.TextChoices):
    """A compound's section, written by its property company and developer."""

    WRITING = "writing", _("being written")
    SUBMITTED = "submitted", _("submitted for review")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned for changes")


class MediaKind(models.TextChoices):
    AUDIO = "audio", _("audio")
    VIDEO = "video", _("video")
    IMAGE = "image", _("image")
