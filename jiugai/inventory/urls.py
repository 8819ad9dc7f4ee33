from django.urls import include, path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.estate_list, name="estate_list"),
    path("<int:pk>/", views.estate_detail, name="estate_detail"),
    path("imports/", include("jiugai.inventory.imports.urls")),
]
