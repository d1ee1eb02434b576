"""Open311 GeoReport v2 URLs (/open311/v2/). Every resource answers in .xml and .json; the
views refuse any other suffix with a 404."""

from django.urls import path

from community_brain.cases.open311 import views

app_name = "open311"
urlpatterns = [
    path("discovery.<str:fmt>", views.discovery, name="discovery"),
    path("services.<str:fmt>", views.services, name="services"),
    path(
        "services/<str:service_code>.<str:fmt>",
        views.service_definition,
        name="service_definition",
    ),
    path("requests.<str:fmt>", views.requests, name="requests"),
    path(
        "requests/<str:service_request_id>.<str:fmt>",
        views.request_detail,
        name="request",
    ),
    path("tokens/<str:token>.<str:fmt>", views.tokens, name="token"),
]
