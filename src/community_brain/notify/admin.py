"""Back office: the outbox (read-only, with a requeue action), escalations, the rota, group
robots (with a test message), preferences, periodic runs."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from community_brain.core import audit
from community_brain.notify import services
from community_brain.notify.models import (
    Escalation,
    Notice,
    PeriodicRun,
    Preference,
    Shift,
    WebhookEndpoint,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "template",
        "recipient",
        "endpoint",
        "channel",
        "state",
        "attempts",
        "urgent",
        "created_at",
        "delivered_at",
        "acknowledged_at",
    ]
    list_filter = ["state", "channel", "urgent", "needs_ack", "template"]
    list_select_related = ["recipient", "endpoint"]
    search_fields = ["idempotency_key", "recipient__username", "related_id"]
    date_hierarchy = "created_at"
    actions = ["requeue"]

    @admin.action(description=_("Try again (requeue)"))
    def requeue(self, request, queryset):
        n = services.requeue(by=request.user, notices=queryset)
        self.message_user(request, _("%(n)s notices requeued.") % {"n": n}, messages.SUCCESS)


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = [
        "key",
        "template",
        "organisation",
        "step",
        "due_at",
        "acknowledged_at",
        "acknowledged_by",
        "exhausted_at",
    ]
    list_filter = ["template"]
    search_fields = ["key", "related_id"]


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "compound", "starts_at", "ends_at", "order", "note"]
    list_select_related = ["user", "organisation", "compound"]
    list_filter = ["organisation"]
    search_fields = ["user__username", "user__display_name", "note"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["user", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        audit.record("shift.change" if change else "shift.add", obj, actor=request.user)

    def delete_model(self, request, obj):
        audit.record("shift.remove", obj, actor=request.user, summary=str(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        audit.record_many("shift.remove", list(queryset), actor=request.user)
        super().delete_queryset(request, queryset)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "urgent_only", "is_active", "created_at"]
    list_filter = ["kind", "is_active", "urgent_only"]
    search_fields = ["name", "organisation__name"]
    actions = ["send_test"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = [f for f in form.changed_data if f not in {"url", "secret"}]
        if {"url", "secret"} & set(form.changed_data):
            changed.append("address or secret")
        audit.record(
            "webhook.change" if change else "webhook.add",
            obj,
            actor=request.user,
            summary=obj.name,
            data={"changed": changed},
        )

    @admin.action(description=_("Send a test message"))
    def send_test(self, request, queryset):
        for endpoint in queryset:
            services.send_test(by=request.user, endpoint=endpoint)
        self.message_user(request, _("Test messages queued."), messages.SUCCESS)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "sms", "quiet_start", "quiet_end", "daily_digest"]
    raw_id_fields = ["user"]


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "slot", "worker", "started_at", "finished_at", "failed"]
    list_filter = ["job"]

    @admin.display(boolean=True, description=_("failed"))
    def failed(self, obj):
        return bool(obj.error)
