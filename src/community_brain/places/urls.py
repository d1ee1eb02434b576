"""Pages of the register."""

from django.urls import path

from community_brain.places import exporting, views

app_name = "places"
urlpatterns = [
    path("compounds/", views.compounds, name="compounds"),
    path("compounds/<int:pk>/", views.compound_detail, name="compound"),
    path("households/", views.households, name="households"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/export.xlsx", exporting.export_households, name="households_export"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path(
        "households/<int:household_pk>/add-member/", views.resident_create, name="resident_create"
    ),
    path("residents/", views.residents, name="residents"),
    path("residents/export.xlsx", exporting.export_residents, name="residents_export"),
    path("residents/<int:pk>/", views.resident_detail, name="resident"),
    path("residents/<int:pk>/move-out/", views.resident_move_out, name="resident_move_out"),
    path("shops/", views.shops, name="shops"),
    path("shops/new/", views.shop_create, name="shop_create"),
    path("shops/export.xlsx", exporting.export_shops, name="shops_export"),
    path("shops/<int:pk>/", views.shop_detail, name="shop"),
    path("shops/<int:pk>/close/", views.shop_close, name="shop_close"),
]
