"""Pages of the notify app."""

app_name = "notify"
urlpatterns: list = []
