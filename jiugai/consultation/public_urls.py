from django.urls import path

app_name = "ballot"
urlpatterns: list = []
