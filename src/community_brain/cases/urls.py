"""Pages of the case ledger."""

from django.urls import path

from community_brain.cases import diary_views, exporting, views

app_name = "cases"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("new/", views.new, name="new"),
    path("figures/", views.figures, name="figures"),
    path("diary/", diary_views.diary, name="diary"),
    path("diary/<int:pk>/raise/", diary_views.diary_raise, name="diary_raise"),
    path("export.xlsx", exporting.export_ledger, name="export"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/print/", views.print_sheet, name="print"),
    path("<str:code>/act/<str:action>/", views.act, name="act"),
]
