"""Enumerations of the case ledger."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    REPORTED = "reported", _("reported")
    ACCEPTED = "accepted", _("accepted")
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")
    VERIFIED = "verified", _("verified")
    CLOSED = "closed", pgettext_lazy("case", "closed")
    REJECTED = "rejected", _("rejected")
    DUPLICATE = "duplicate", _("duplicate")


OPEN_STATUSES = frozenset({Status.REPORTED, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS})
# The clock runs until the handler reports the work done.
CLOCK_STATUSES = OPEN_STATUSES
FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.DUPLICATE})


class Source(models.TextChoices):
    FIELD_DIARY = "field_diary", _("field diary (民情日记)")
    RESIDENT_PAGE = "resident_page", _("resident's report online")
    OPEN311 = "open311", _("Open311 client")
    PHONE = "phone", _("phone call")
    STAFF = "staff", _("staff entry")
    DEVICE_ALARM = "device_alarm", _("device alarm")
    GATE_ALERT = "gate_alert", _("gate alert")
    INSPECTION = "inspection", _("inspection finding")
    LIST_AUDIT = "list_audit", _("responsibility-list audit")


class RequestType(models.TextChoices):
    """The 12345 hotlines' five kinds of request."""

    COMPLAINT = "complaint", _("complaint (投诉)")
    HELP = "help", _("request for help (求助)")
    CONSULTATION = "consultation", _("consultation (咨询)")
    REPORT = "report", _("report (举报)")
    SUGGESTION = "suggestion", _("suggestion (建议)")


class Priority(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


class Resolution(models.TextChoices):
    """How a case ended: 'fixed' is counted as solved; the rest are closed but not solved."""

    FIXED = "fixed", _("fixed")
    EXPLAINED = "explained", _("explained, nothing to fix")
    NOT_FIXABLE = "not_fixable", _("cannot be fixed now")
    NOT_RESPONSIBLE = "not_responsible", _("not ours to fix")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied (满意)")
    BASICALLY = "basically", _("basically satisfied (基本满意)")
    UNSATISFIED = "unsatisfied", _("unsatisfied (不满意)")


class RouteTarget(models.TextChoices):
    PROPERTY_COMPANY = "property_company", _("the compound's property company")
    DEVELOPER = "developer", _("the compound's developer")
    ORGANISATION = "organisation", _("a named organisation")


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("lead")
    CO = "co", _("co-handler")
    # Sees the case and verifies the work, but does not handle it: the owner of a road
    # whose contractor repairs a defect, the supervision office.
    OVERSIGHT = "oversight", _("verifying organisation")


class EventKind(models.TextChoices):
    REPORTED = "reported", _("reported")
    ROUTED = "routed", _("routed")
    ACCEPTED = "accepted", _("accepted")
    ASSIGNED = "assigned", _("assigned")
    CO_HANDLER_ADDED = "co_handler_added", _("co-handler added")
    STARTED = "started", _("work started")
    PAUSED = "paused", _("clock paused")
    RESUMED = "resumed", _("clock resumed")
    EXTENSION_REQUESTED = "extension_requested", _("more time requested")
    EXTENSION_APPROVED = "extension_approved", _("more time granted")
    EXTENSION_REFUSED = "extension_refused", _("more time refused")
    TRANSFERRED = "transferred", _("transferred (转办)")
    RETURNED = "returned", _("returned (退单)")
    RESOLVED = "resolved", _("resolved")
    SENT_BACK = "sent_back", _("sent back for more work")
    VERIFIED = "verified", _("verified")
    RATED = "rated", _("rated")
    CLOSED = "closed", pgettext_lazy("case", "closed")
    REOPENED = "reopened", _("reopened (重办)")
    REJECTED = "rejected", _("rejected")
    DUPLICATE = "duplicate", _("marked duplicate")
    COMMENTED = "commented", _("note")
    ALARM_RAISED = "alarm_raised", _("device alarm raised")
    ALARM_CLEARED = "alarm_cleared", _("device alarm cleared")
    INFO_ADDED = "info_added", _("information added by the reporter")
    OVERDUE = "overdue", _("overdue")
    ESCALATED = "escalated", _("escalated")
    FLAGGED = "flagged", _("flagged for supervision")
