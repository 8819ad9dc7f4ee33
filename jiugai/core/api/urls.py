from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import AuditEntryViewSet, AuditHistoryView

router = SimpleRouter()
router.register("audit/entries", AuditEntryViewSet, basename="audit-entry")

urlpatterns = [
    path("audit/history/", AuditHistoryView.as_view(), name="audit-history"),
    *router.urls,
]
