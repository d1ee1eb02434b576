"""URLs of community life: activities, rooms, volunteers."""

from django.urls import path

from community_brain.activities import room_views, staff_views, views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("<int:pk>/", views.activity_page, name="activity"),
    path("<int:pk>/sign-up/", views.sign_up, name="sign_up"),
    path("<int:pk>/photos/", views.add_photo, name="add_photo"),
    path("sign-ups/<int:pk>/cancel/", views.cancel_signup, name="cancel_signup"),
    path("check-in/<str:token>/", views.checkin, name="checkin"),
    path("new/", staff_views.activity_new, name="new"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/new/", staff_views.volunteer_new, name="volunteer_new"),
    path("volunteers/<int:pk>/hours/", staff_views.service_new, name="service_new"),
    path("rooms/", room_views.room_list, name="rooms"),
    path("rooms/<int:pk>/", room_views.room_page, name="room"),
    path("bookings/<int:pk>/cancel/", room_views.booking_cancel, name="booking_cancel"),
]
