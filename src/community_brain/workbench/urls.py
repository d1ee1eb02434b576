"""URLs of the workbenches."""


app_name = "workbench"
urlpatterns: list = []
