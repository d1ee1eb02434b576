"""Back office for the case ledger: the category tree with its service levels, routing rules.
Cases themselves change only through the ledger's actions, so they are read-only here."""

from django.contrib import admin

from community_brain.cases.models import Case, CaseEvent, Category, DiaryEntry, RoutingRule
from community_brain.core.admin import ReadOnlyAdmin


class SubCategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    extra = 0
    fields = [
        "code",
        "name",
        "respond_hours",
        "resolve_workdays",
        "default_priority",
        "is_active",
        "order",
    ]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "code",
        "respond_hours",
        "resolve_workdays",
        "default_priority",
        "is_active",
    ]
    list_filter = ["parent", "is_active"]
    search_fields = ["name", "code", "keywords"]
    inlines = [SubCategoryInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "category",
        "compound",
        "target",
        "organisation",
        "order",
        "is_active",
    ]
    list_filter = ["target", "is_active"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "title",
        "category",
        "status",
        "organisation",
        "reported_at",
        "resolve_by",
        "is_overdue",
    ]
    list_filter = ["status", "source", "is_overdue", "flagged"]
    search_fields = ["code", "title"]
    date_hierarchy = "reported_at"


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "at", "kind", "actor_label"]
    list_filter = ["kind"]


@admin.register(DiaryEntry)
class DiaryEntryAdmin(ReadOnlyAdmin):
    list_display = ["visited_at", "author", "topic", "household", "case"]
