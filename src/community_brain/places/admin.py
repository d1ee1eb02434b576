"""Back office for the register. Structure (compounds, buildings, grids, tags) is edited here;
people and households are edited on the register's pages, through the services, so the
admin shows them read-only."""

from django.contrib import admin

from community_brain.places.models import (
    Building,
    Community,
    Compound,
    Grid,
    Household,
    Residency,
    Resident,
    ResidentTag,
    Shop,
)


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "street", "county", "founded_year"]


@admin.register(Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "community", "property_company", "developer"]
    list_filter = ["community"]
    search_fields = ["name", "code"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "community", "compound"]
    list_filter = ["compound"]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "compound", "number", "units", "floors", "grid"]
    list_filter = ["compound", "grid"]


@admin.register(ResidentTag)
class ResidentTagAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["address", "code", "head", "status"]
    list_filter = ["status", "building__compound"]
    search_fields = ["address", "code"]


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
    list_display = ["name", "gender", "household", "masked_id_number", "status"]
    list_filter = ["status", "gender", "tags"]
    search_fields = ["name", "name_initials", "phone_tail"]
    exclude = ["id_number", "id_number_index"]
    readonly_fields = ["masked_id_number"]


@admin.register(Residency)
class ResidencyAdmin(ReadOnlyAdmin):
    list_display = ["resident", "household", "moved_in", "moved_out"]


@admin.register(Shop)
class ShopAdmin(ReadOnlyAdmin):
    list_display = ["name", "trade", "compound", "status"]
    list_filter = ["trade", "status", "compound"]
    search_fields = ["name", "licence_number"]
