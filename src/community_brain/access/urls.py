"""URLs of the gate pages."""

from django.urls import path

from community_brain.access import views

app_name = "access"
urlpatterns = [
    path("", views.console, name="console"),
    path("gates/<slug:code>/", views.console, name="console_gate"),
    path("gates/<slug:code>/events/", views.events_partial, name="events"),
    path("gates/<slug:code>/open/", views.open_gate, name="open"),
    path("gates/<slug:code>/visitors/", views.register_visitor, name="visitor"),
    path("events/<int:pk>/snapshot/", views.snapshot, name="snapshot"),
    path("consent/", views.consent_page, name="consent"),
    path("consent/<int:pk>/", views.consent_action, name="consent_action"),
    path("residents/<int:pk>/", views.resident_page, name="resident"),
    path("privacy/", views.privacy_page, name="privacy"),
    path("privacy/<int:pk>/", views.privacy_page, name="privacy_compound"),
    path("strangers/", views.strangers_page, name="strangers"),
    path("strangers/<int:pk>/mark/", views.mark_stranger, name="mark"),
]
