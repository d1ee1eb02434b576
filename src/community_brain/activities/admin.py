"""Back office of community life: rooms with their opening hours are set up here; bookings,
sign-ups and service hours are read here and changed through the pages and the API."""

from django.contrib import admin

from community_brain.activities import models


class HoursInline(admin.TabularInline):
    model = models.OpeningHours
    extra = 0


@admin.register(models.Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "community", "capacity", "area_m2", "is_active")
    inlines = [HoursInline]


@admin.register(models.Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("room", "starts_at", "ends_at", "purpose", "status")
    list_filter = ("status", "room")
    readonly_fields = [f.name for f in models.Booking._meta.fields]


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "starts_at", "capacity", "is_published", "is_cancelled")
    list_filter = ("kind",)


@admin.register(models.Volunteer)
class VolunteerAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "skills", "is_active")
