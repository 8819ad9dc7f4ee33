from django.urls import path

from . import views

app_name = "ballot"
urlpatterns = [
    path("<str:token>/", views.ballot_page, name="page"),
    path("<str:token>/done/", views.ballot_done, name="done"),
]
