"""Back office for devices: types, devices and rules are edited here by administrators
(writes from the pages go through ``services``); events, alarms and refused messages are
read-only, since alarms move only through ``alarms``."""

from django.contrib import admin

from community_brain.core.admin import ReadOnlyAdmin
from community_brain.devices.models import (
    Alarm,
    Device,
    DeviceEvent,
    DeviceType,
    IngestReject,
    Rule,
)


@admin.register(DeviceType)
class DeviceTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "offline_after_minutes"]
    search_fields = ["name", "code"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "compound", "online", "last_seen", "battery"]
    list_filter = ["type", "compound", "online", "is_active"]
    search_fields = ["code", "name", "location"]
    readonly_fields = ["online", "last_seen", "status_changed_at", "token_hint"]
    raw_id_fields = ["building"]


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["name", "device_type", "device", "trigger", "severity", "is_active"]
    list_filter = ["trigger", "severity", "device_type", "is_active"]
    search_fields = ["name", "alarm_type"]
    raw_id_fields = ["device"]


@admin.register(Alarm)
class AlarmAdmin(ReadOnlyAdmin):
    list_display = ["device", "type", "severity", "started_at", "count", "cleared_at"]
    list_filter = ["severity", "type"]
    search_fields = ["device__code", "type"]


@admin.register(DeviceEvent)
class DeviceEventAdmin(ReadOnlyAdmin):
    list_display = ["device", "type", "ts", "event_id"]
    list_filter = ["type"]
    search_fields = ["device__code", "event_id"]


@admin.register(IngestReject)
class IngestRejectAdmin(ReadOnlyAdmin):
    list_display = ["device_code", "reason", "count", "last_at", "last_detail"]
    list_filter = ["reason"]
    search_fields = ["device_code"]
