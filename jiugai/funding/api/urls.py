from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import AlertView, AllocationViewSet, CostShareViewSet, SourceViewSet, SummaryView

router = SimpleRouter()
router.register("sources", SourceViewSet, basename="funding-source")
router.register("allocations", AllocationViewSet, basename="funding-allocation")
router.register("cost-shares", CostShareViewSet, basename="funding-cost-share")

urlpatterns = [
    path("alerts/", AlertView.as_view(), name="funding-alerts"),
    path("summary/", SummaryView.as_view(), name="funding-summary"),
    *router.urls,
]
