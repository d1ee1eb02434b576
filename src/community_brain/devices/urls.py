"""URLs of the devices app: the device pages under /devices/, alarms under /alarms/ and the
HTTP ingest under /ingest/v1/ (wired in config.urls with their own namespaces)."""

from django.urls import path

from community_brain.devices import http_ingest, views

device_patterns = [
    path("", views.device_list, name="list"),
    path("new/", views.device_form, name="new"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_form, name="rule_new"),
    path("rules/<int:pk>/", views.rule_form, name="rule"),
    path("<str:code>/", views.device_detail, name="detail"),
    path("<str:code>/edit/", views.device_form, name="edit"),
    path("<str:code>/token/", views.device_token, name="token"),
]

alarm_patterns = [
    path("", views.alarm_list, name="list"),
    path("<int:pk>/acknowledge/", views.alarm_acknowledge, name="acknowledge"),
    path("<int:pk>/clear/", views.alarm_clear, name="clear"),
]

ingest_patterns = [
    path("<str:device_code>/<str:kind>", http_ingest.receive, name="receive"),
]

urlpatterns = device_patterns  # include("community_brain.devices.urls") gives the pages
