"""The 乐居 fortnightly bulletin (乐居半月谈): one issue per half month with four parts (an
audio broadcast, an activity video, community work, and compound work — one section per
compound, written by its property company and developer and reviewed by the community),
the media of each part, the property-company league (赶、学、比、超) frozen at publication,
and the views counted per person."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from community_brain.activities.querysets import CommunityQuerySet
from community_brain.bulletins import choices
from community_brain.core.models import TimeStampedModel

VIEW_MARK = 5000  # "each issue has more than 5,000 views"


class IssueQuerySet(CommunityQuerySet):
    def published(self):
        return self.filter(status=choices.IssueStatus.PUBLISHED)


class Issue(TimeStampedModel):
    """期: one fortnight's bulletin (the 1st–15th or the 16th–end of a month)."""

    community = models.ForeignKey(
        "places.Community", on_delete=models.PROTECT, related_name="bulletins"
    )
    slug = models.SlugField(_("address"), max_length=40, unique=True)
    number = models.PositiveSmallIntegerField(_("issue of the year"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    title = models.CharField(_("title"), max_length=100)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=choices.IssueStatus.choices,
        default=choices.IssueStatus.DRAFT,
        db_index=True,
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    league = models.JSONField(_("league table"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = IssueQuerySet.as_manager()

    TRANSITIONS = {
        choices.IssueStatus.DRAFT: {choices.IssueStatus.REVIEW},
        choices.IssueStatus.REVIEW: {choices.IssueStatus.DRAFT, choices.IssueStatus.PUBLISHED},
        choices.IssueStatus.PUBLISHED: set(),
    }

    class Meta:
        verbose_name = _("bulletin issue")
        verbose_name_plural = _("bulletin issues")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "period_start"], name="bulletin_one_per_fortnight"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == choices.IssueStatus.PUBLISHED


class Section(TimeStampedModel):
    """One part of an issue. Compound work has one section per compound."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("part"), max_length=10, choices=choices.SectionKind.choices)
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"), blank=True)
    facts = models.JSONField(_("drafted from"), default=dict, blank=True)
    deeds = models.PositiveSmallIntegerField(
        _("good deeds reported"),
        default=0,
        help_text=_("What the property company or developer did for residents, item by item."),
    )
    review = models.CharField(
        _("review"),
        max_length=10,
        choices=choices.SectionReview.choices,
        default=choices.SectionReview.WRITING,
    )
    review_note = models.CharField(_("reviewer's note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bulletin section")
        verbose_name_plural = _("bulletin sections")
        ordering = ["issue", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "kind", "compound"], name="bulletin_section_unique"
            ),
            models.UniqueConstraint(
                fields=["issue", "kind"],
                condition=models.Q(compound__isnull=True),
                name="bulletin_part_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shown(self) -> bool:
        """Compound sections appear once the community approved them."""
        return self.kind != choices.SectionKind.COMPOUND or (
            self.review == choices.SectionReview.APPROVED
        )


class Media(models.Model):
    """An audio, video or image file of a section (its type sniffed from its content)."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(_("kind"), max_length=8, choices=choices.MediaKind.choices)
    file = models.FileField(_("file"), upload_to="bulletins/%Y/%m/")
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField(default=0)
    original_name = models.CharField(_("file name"), max_length=200)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("media file")
        verbose_name_plural = _("media files")
        ordering = ["section", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class View(models.Model):
    """One person's view of an issue (``part`` 0) or of a section (``part`` = its id). The
    visitor is a hash, never an address; a person is counted once however often they
    reload."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="views")
    part = models.PositiveIntegerField(default=0)
    visitor = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("view")
        verbose_name_plural = _("views")
        constraints = [
            models.UniqueConstraint(fields=["issue", "part", "visitor"], name="bulletin_view_once"),
        ]

    def __str__(self) -> str:
        return f"{self.issue_id}/{self.part}"
