"""URLs of the workbenches."""

from django.urls import path

from community_brain.workbench import views

app_name = "workbench"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("grid/", views.grid_home, name="grid"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<str:code>/<str:action>/", views.inbox_act, name="inbox_act"),
    path("overview/", views.overview, name="overview"),
]
