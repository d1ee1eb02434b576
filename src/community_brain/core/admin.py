"""Back office: the audit log (read-only), imports and the working calendar (工作日历)."""

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from community_brain.core import workdays
from community_brain.core.models import AuditLog, ImportJob, WorkCalendarDay, WorkCalendarYear


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records written only by services (audit, timelines): shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "object_type", "object_id", "summary", "channel"]
    list_filter = ["action", "channel"]
    search_fields = ["object_id", "summary", "request_id"]
    date_hierarchy = "at"


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


class CalendarYearFilter(admin.SimpleListFilter):
    """Filter calendar days by the year they fall in (newest first)."""

    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "note"]
    list_filter = [CalendarYearFilter, "kind"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"
    ordering = ["date"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "published", "in_library", "source"]
    list_filter = ["published"]
    search_fields = ["year", "source", "note"]
    ordering = ["-year"]

    @admin.display(description=_("known to the holiday library"), boolean=True)
    def in_library(self, obj):
        return workdays.library_covers(obj.year)
