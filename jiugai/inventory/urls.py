from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.estate_list, name="estate_list"),
    path("<int:pk>/", views.estate_detail, name="estate_detail"),
]
