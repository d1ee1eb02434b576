"""Back office: the audit log (read-only) and imports."""

from django.contrib import admin

from community_brain.core.models import AuditLog, ImportJob


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor", "object_type", "object_id", "summary", "channel"]
    list_filter = ["action", "channel"]
    search_fields = ["object_id", "summary", "request_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "kind",
        "status",
        "total_rows",
        "error_count",
        "created_by",
        "created_at",
    ]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False
