"""URLs of the lists' internal pages."""

from django.urls import path

from community_brain.duties import views

app_name = "duties"
urlpatterns = [
    path("", views.check_page, name="check"),
    path("check/", views.check_now, name="check_now"),
    path("claims/", views.claims, name="claims"),
    path("stats/", views.stats, name="stats"),
    path("claims/<int:pk>/answer/", views.answer, name="answer"),
]
