from rest_framework.routers import SimpleRouter

from .views import BundleViewSet, CatalogueViewSet, PlanViewSet, ProposalViewSet, ScoreViewSet, WeightsViewSet

router = SimpleRouter()
router.register("catalogue", CatalogueViewSet, basename="planning-catalogue")
router.register("proposals", ProposalViewSet, basename="planning-proposal")
router.register("scores", ScoreViewSet, basename="planning-score")
router.register("weights", WeightsViewSet, basename="planning-weights")
router.register("bundles", BundleViewSet, basename="planning-bundle")
router.register("plans", PlanViewSet, basename="planning-plan")

urlpatterns = router.urls
