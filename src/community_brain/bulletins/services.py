"""Every write of the bulletin: open an issue (its four parts, the community work drafted),
redraft, edit a part, the compound sections' write → submit → review, media, and the
issue's draft → review → published, at once or at a set time (``publish_due``)."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from community_brain.bulletins import drafting, league, periods, permissions
from community_brain.bulletins.choices import IssueStatus, MediaKind, SectionKind, SectionReview
from community_brain.bulletins.forms import PublishForm, SectionForm
from community_brain.bulletins.models import Issue, Media, Section
from community_brain.core import audit, clock
from community_brain.core.errors import IllegalTransition, InvalidInput, validated
from community_brain.core.images import clean_image
from community_brain.core.media import clean_media, sniff
from community_brain.places.models import Compound

MAX_MEDIA = 12


def open_issue(*, by, community, day) -> Issue:
    """The issue of the fortnight that holds ``day``, with its parts; drafted from the ledger."""
    permissions.require(permissions.is_staff(by, community.pk), "make bulletins here")
    start, end = periods.fortnight_of(day)
    number = periods.number_of(start)
    body, facts = drafting.draft(community, start, end)
    with translation.override(settings.LANGUAGE_CODE):  # stored text: in the site's language
        title = _("Leju fortnightly, %(year)s no. %(number)s") % {
            "year": start.year,
            "number": number,
        }
        names = (_("Audio broadcast"), _("Activity video"), _("Community work"))
    try:
        with transaction.atomic():
            issue = Issue.objects.create(
                community=community,
                slug=f"{community.code.lower()}-{start:%Y}-{number:02d}",
                number=number,
                period_start=start,
                period_end=end,
                title=title,
                created_by=by,
            )
            parts = [
                (SectionKind.AUDIO, None, names[0]),
                (SectionKind.VIDEO, None, names[1]),
                (SectionKind.COMMUNITY, None, names[2]),
            ]
            compounds = Compound.objects.filter(community=community).order_by("code")
            parts += [(SectionKind.COMPOUND, c, c.name) for c in compounds]
            for order, (kind, compound, title) in enumerate(parts):
                Section.objects.create(
                    issue=issue,
                    kind=kind,
                    compound=compound,
                    order=order,
                    title=title,
                    body=body if kind == SectionKind.COMMUNITY else "",
                    facts=facts if kind == SectionKind.COMMUNITY else {},
                )
            audit.record("bulletin.opened", issue, actor=by, summary=issue.title)
    except IntegrityError:
        raise InvalidInput.single("day", _("This fortnight already has an issue.")) from None
    return issue


def _editable(issue: Issue) -> None:
    if issue.status == IssueStatus.PUBLISHED:
        raise InvalidInput.single("issue", _("A published issue cannot be changed."))


def redraft(*, by, issue: Issue) -> Section:
    """Draft the community-work section again from the ledger (staff edits are replaced)."""
    permissions.require(permissions.is_staff(by, issue.community_id), "redraft this issue")
    _editable(issue)
    body, facts = drafting.draft(issue.community, issue.period_start, issue.period_end)
    with transaction.atomic():
        section = issue.sections.select_for_update().get(kind=SectionKind.COMMUNITY)
        section.body, section.facts = body, facts
        section.save(update_fields=["body", "facts", "updated_at"])
        audit.record("bulletin.redrafted", section, actor=by, summary=issue.title)
    return section


def edit_section(*, by, section: Section, data: Mapping) -> Section:
    if section.kind == SectionKind.COMPOUND:
        permissions.require(permissions.may_write_compound(by, section), "write this section")
    else:
        permissions.require(
            permissions.is_staff(by, section.issue.community_id), "edit this section"
        )
    _editable(section.issue)
    form = validated(SectionForm(data=data))
    with transaction.atomic():
        section = Section.objects.select_for_update().get(pk=section.pk)
        reviewing = section.review == SectionReview.SUBMITTED
        if (
            section.kind == SectionKind.COMPOUND
            and reviewing
            and not permissions.is_staff(by, section.issue.community_id)
        ):
            raise InvalidInput.single("body", _("The section is being reviewed."))
        before = {"title": section.title, "body": section.body, "deeds": section.deeds}
        section.title, section.body = form["title"], form["body"]
        section.deeds = form.get("deeds") or 0
        section.save(update_fields=["title", "body", "deeds", "updated_at"])
        after = {"title": section.title, "body": section.body, "deeds": section.deeds}
        audit.record(
            "bulletin.section_edited",
            section,
            actor=by,
            summary=section.title,
            data={"changed": sorted(audit.changed_fields(before, after))},
        )
    return section


SECTION_MOVES = {
    SectionReview.WRITING: {SectionReview.SUBMITTED},
    SectionReview.RETURNED: {SectionReview.SUBMITTED},
    SectionReview.SUBMITTED: {SectionReview.APPROVED, SectionReview.RETURNED},
    SectionReview.APPROVED: {SectionReview.RETURNED},
}


def move_section(*, by, section: Section, to: str, note: str = "") -> Section:
    """Submit a compound section (its writers) or approve / return it (community staff)."""
    if section.kind != SectionKind.COMPOUND:
        raise InvalidInput.single("section", _("Only compound sections are reviewed."))
    if to == SectionReview.SUBMITTED:
        permissions.require(permissions.may_write_compound(by, section), "submit this section")
    else:
        permissions.require(
            permissions.is_staff(by, section.issue.community_id), "review this section"
        )
    _editable(section.issue)
    with transaction.atomic():
        section = Section.objects.select_for_update().get(pk=section.pk)
        if to not in SECTION_MOVES.get(section.review, set()):
            raise IllegalTransition("section", section.review, to)
        if to == SectionReview.SUBMITTED and not section.body.strip():
            raise InvalidInput.single("body", _("Write the section before submitting it."))
        if to == SectionReview.RETURNED and not note.strip():
            raise InvalidInput.single("note", _("Say what should change."))
        section.review, section.review_note = to, note.strip()[:300]
        section.save(update_fields=["review", "review_note", "updated_at"])
        audit.record(f"bulletin.section_{to}", section, actor=by, summary=section.title)
    return section


def add_media(*, by, section: Section, upload, caption: str = "") -> Media:
    """Attach an audio, video or image file; its kind is read from its content."""
    if section.kind == SectionKind.COMPOUND:
        permissions.require(permissions.may_write_compound(by, section), "add files here")
    else:
        permissions.require(permissions.is_staff(by, section.issue.community_id), "add files")
    _editable(section.issue)
    if section.media.count() >= MAX_MEDIA:
        raise InvalidInput.single("file", _("At most %(n)s files a part.") % {"n": MAX_MEDIA})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is not None:
        found = clean_media(upload, kind=found.kind, field="file")
        content, kind, content_type = upload, found.kind, found.content_type
    else:
        image = clean_image(upload, field="file")
        content, kind = image.file, MediaKind.IMAGE
        content_type = "image/" + image.file.name.rsplit(".", 1)[1].replace("jpg", "jpeg")
    with transaction.atomic():
        media = Media(
            section=section,
            kind=kind,
            content_type=content_type,
            size=content.size,
            original_name=(getattr(upload, "name", "") or "file")[:200],
            caption=caption[:100],
            uploaded_by=by,
            uploaded_at=clock.now(),
        )
        ext = found.extension if found else content.name.rsplit(".", 1)[1]
        media.file.save(f"{section.issue.slug}-{kind}.{ext}", content, save=False)
        media.save()
        audit.record("bulletin.media_added", media, actor=by, summary=media.original_name)
    return media


def _move(issue: Issue, to: str) -> None:
    if to not in Issue.TRANSITIONS[issue.status]:
        raise IllegalTransition("bulletin", issue.status, to)


def submit(*, by, issue: Issue) -> Issue:
    permissions.require(permissions.is_staff(by, issue.community_id), "submit this issue")
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        _move(issue, IssueStatus.REVIEW)
        if not issue.sections.get(kind=SectionKind.COMMUNITY).body.strip():
            raise InvalidInput.single("community", _("The community-work section is empty."))
        issue.status = IssueStatus.REVIEW
        issue.save(update_fields=["status", "updated_at"])
        audit.record("bulletin.submitted", issue, actor=by, summary=issue.title)
    return issue


def send_back(*, by, issue: Issue) -> Issue:
    permissions.require(permissions.is_staff(by, issue.community_id), "send this issue back")
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        _move(issue, IssueStatus.DRAFT)
        issue.status, issue.publish_at = IssueStatus.DRAFT, None
        issue.save(update_fields=["status", "publish_at", "updated_at"])
        audit.record("bulletin.sent_back", issue, actor=by, summary=issue.title)
    return issue


def publish(*, by, issue: Issue, data: Mapping | None = None) -> Issue:
    """Publish a reviewed issue now, or set the moment it will be (``publish_at``)."""
    permissions.require(permissions.is_staff(by, issue.community_id), "publish this issue")
    form = validated(PublishForm(data=data or {}))
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        _move(issue, IssueStatus.PUBLISHED)
        when = form.get("publish_at")
        if when is not None and when > clock.now():
            issue.publish_at = when
            issue.save(update_fields=["publish_at", "updated_at"])
            audit.record("bulletin.scheduled", issue, actor=by, data={"at": when.isoformat()})
            return issue
        _publish_now(issue, by)
    return issue


def _publish_now(issue: Issue, by) -> None:
    issue.league = league.rows(issue)
    issue.status, issue.published_at, issue.publish_at = IssueStatus.PUBLISHED, clock.now(), None
    issue.save(update_fields=["league", "status", "published_at", "publish_at", "updated_at"])
    audit.record("bulletin.published", issue, actor=by, summary=issue.title)


def publish_due() -> int:
    """Periodic job: publish the reviewed issues whose moment has come; safe to run twice."""
    done = 0
    due = Issue.objects.filter(status=IssueStatus.REVIEW, publish_at__lte=clock.now())
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            issue = Issue.objects.select_for_update().get(pk=pk)
            if issue.status == IssueStatus.REVIEW and issue.publish_at <= clock.now():
                _publish_now(issue, None)
                done += 1
    return done
