from rest_framework.routers import SimpleRouter

from .views import BuildingViewSet, EstateViewSet, HouseholdViewSet

router = SimpleRouter()
router.register("estates", EstateViewSet, basename="estate")
router.register("buildings", BuildingViewSet, basename="building")
router.register("households", HouseholdViewSet, basename="household")

urlpatterns = router.urls
