"""The residents' public pages for cases (no login)."""

from django.urls import path

from community_brain.cases import public_views as views

app_name = "public_cases"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/similar/", views.similar, name="similar"),
    path("cases/", views.lookup, name="lookup"),
    path("cases/<str:code>/", views.track, name="track"),
    path("cases/<str:code>/add/", views.add_info, name="add_info"),
    path("cases/<str:code>/rate/", views.rate, name="rate"),
]
