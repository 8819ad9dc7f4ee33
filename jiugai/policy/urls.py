from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.effective, name="effective"),
    path("<str:code>/history/", views.history, name="history"),
    path("<str:code>/new/", views.new_version, name="new_version"),
]
