"""The public pages of the power-and-responsibility lists (no login), mounted at
``/public/duties/``."""

from django.urls import path

from community_brain.duties import public_views as views

app_name = "duties_public"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("about/", views.about, name="about"),
    path("export.xlsx", views.export, name="export"),
    path("<str:code>/", views.item_detail, name="item"),
]
