"""Import pages."""

from django.urls import path

from community_brain.core import imports_views as views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/confirm/", views.import_confirm, name="confirm"),
    path("template/<str:kind>.xlsx", views.import_template, name="template"),
]
