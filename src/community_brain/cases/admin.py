"""Back office for the case ledger: the category tree with its service levels, routing rules.
Cases themselves change only through the ledger's actions, so they are read-only here."""

from django.contrib import admin

from community_brain.cases.models import Case, CaseEvent, Category, DiaryEntry, RoutingRule


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


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnly):
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
class CaseEventAdmin(ReadOnly):
    list_display = ["case", "at", "kind", "actor_label"]
    list_filter = ["kind"]


@admin.register(DiaryEntry)
class DiaryEntryAdmin(ReadOnly):
    list_display = ["visited_at", "author", "topic", "household", "case"]
