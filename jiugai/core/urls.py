from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.audit_log, name="audit_log"),
    path("history/<str:object_type>/<str:pk>/", views.object_history, name="object_history"),
]
