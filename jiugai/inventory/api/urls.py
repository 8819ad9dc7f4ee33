from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import BuildingViewSet, EstateViewSet, HouseholdViewSet, QualityView, ScreeningView

router = SimpleRouter()
router.register("estates", EstateViewSet, basename="estate")
router.register("buildings", BuildingViewSet, basename="building")
router.register("households", HouseholdViewSet, basename="household")

urlpatterns = [
    path("screening/", ScreeningView.as_view(), name="screening"),
    path("quality/", QualityView.as_view(), name="quality"),
    *router.urls,
]
