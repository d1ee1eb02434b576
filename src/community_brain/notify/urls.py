"""Pages of the notify app, under /notices/."""

from django.urls import path

from community_brain.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:pk>/", views.notice_detail, name="notice"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("ack/<str:token>/", views.ack_link, name="ack_link"),
    path("rota/", views.rota, name="rota"),
    path("rota/new/", views.shift_create, name="shift_create"),
    path("rota/<int:pk>/delete/", views.shift_delete, name="shift_delete"),
    path("preferences/", views.preferences, name="preferences"),
]
