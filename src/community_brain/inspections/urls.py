"""URLs of defect-period inspection."""

from django.urls import path

from community_brain.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("findings/<int:pk>/", views.finding_page, name="finding"),
    path("notices/<int:pk>/", views.notice_page, name="notice"),
    path("notices/<int:pk>/move/", views.notice_move, name="notice_move"),
    path("notices/<int:pk>/paper.<str:kind>", views.notice_paper, name="notice_paper"),
    path("sections/<int:pk>/", views.section_page, name="section"),
    path(
        "certificates/<int:pk>/paper.<str:kind>",
        views.certificate_paper,
        name="certificate_paper",
    ),
    path("<slug:code>/", views.project_page, name="project"),
    path("<slug:code>/rounds/new/", views.round_new, name="round_new"),
    path("<slug:code>/ledger/", views.ledger, name="ledger"),
    path("<slug:code>/notices/", views.notice_list, name="notices"),
    path("<slug:code>/notices/draft/", views.notice_draft, name="notice_draft"),
]
