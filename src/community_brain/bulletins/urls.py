"""URLs of the bulletin's back office."""

from django.urls import path

from community_brain.bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("", views.issue_list, name="list"),
    path("<int:pk>/", views.issue_page, name="issue"),
    path("<int:pk>/move/", views.issue_move, name="issue_move"),
    path("sections/<int:pk>/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/review/", views.section_move, name="section_move"),
]
