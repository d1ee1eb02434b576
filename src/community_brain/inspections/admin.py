"""Back office for defect-period inspection: projects, sections, the checklist and plans are
edited here; rounds, findings and notices are read here and changed through the pages."""

from django.contrib import admin

from community_brain.inspections import models


class SectionInline(admin.TabularInline):
    model = models.Section
    extra = 0


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "route_code", "owner", "supervision", "is_active")
    inlines = [SectionInline]


class CheckItemInline(admin.TabularInline):
    model = models.CheckItem
    extra = 0


@admin.register(models.FacilityCategory)
class FacilityCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order", "case_category")
    inlines = [CheckItemInline]


@admin.register(models.DefectType)
class DefectTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "item", "default_severity", "requirement")
    list_filter = ("item__category",)


@admin.register(models.Severity)
class SeverityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "rank", "workdays")


@admin.register(models.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("title", "project", "frequency", "starts_on", "ends_on")
    filter_horizontal = ("participants",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services (audited, with their cases): looked at here, not edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("inspected_on", "project", "weather", "route", "recorded_by")
    date_hierarchy = "inspected_on"


@admin.register(models.Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("number", "section", "defect_type", "severity", "deadline", "status")
    list_filter = ("status", "severity", "category")
    search_fields = ("number", "description")


@admin.register(models.Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("number", "section", "issuer", "deadline", "status")
    list_filter = ("status",)


@admin.register(models.Deduction)
class DeductionAdmin(ReadOnlyAdmin):
    list_display = ("section", "finding", "amount", "repaired_by", "created_at")


@admin.register(models.Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "section", "issued_on", "deposit", "deducted", "released")
