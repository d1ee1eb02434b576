"""URLs of the big screen."""

from django.urls import path

from community_brain.screen import views

app_name = "screen"
urlpatterns = [
    path("", views.page, name="page"),
    path("data.json", views.data, name="data"),
    path("stream", views.stream, name="stream"),
]
