"""URLs of the big screen."""


app_name = "screen"
urlpatterns: list = []
