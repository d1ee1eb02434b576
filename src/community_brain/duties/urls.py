"""URLs of the lists' internal pages."""

from django.urls import path

from community_brain.duties import adjustment_views, views

app_name = "duties"
urlpatterns = [
    path("", views.check_page, name="check"),
    path("check/", views.check_now, name="check_now"),
    path("claims/", views.claims, name="claims"),
    path("stats/", views.stats, name="stats"),
    path("claims/<int:pk>/answer/", views.answer, name="answer"),
    path("audits/", views.audits_page, name="audits"),
    path("audits/run/", views.audits_run, name="audits_run"),
    path("supervision/", views.supervision_page, name="supervision"),
    path("supervision/report/", views.supervision_report, name="supervision_report"),
    path("adjustments/", adjustment_views.adjustment_list, name="adjustments"),
    path("adjustments/new/", adjustment_views.adjustment_new, name="adjustment_new"),
    path("adjustments/<int:pk>/", adjustment_views.adjustment_detail, name="adjustment"),
    path("adjustments/<int:pk>/move/", adjustment_views.adjustment_move, name="adjustment_move"),
]
