"""The public pages of the bulletin (no login), mounted at ``/public/bulletins/``."""

from django.urls import path

from community_brain.bulletins import public_views as views

app_name = "bulletins_public"
urlpatterns = [
    path("", views.issue_list, name="list"),
    path("media/<int:pk>/", views.media, name="media"),
    path("<slug:slug>/", views.issue_page, name="issue"),
    path("<slug:slug>/seen/<int:part>/", views.seen, name="seen"),
]
