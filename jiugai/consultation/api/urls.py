from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import BallotViewSet, CampaignViewSet, PublicCastView

router = SimpleRouter()
router.register("consultation/campaigns", CampaignViewSet, basename="campaign")
router.register("consultation/ballots", BallotViewSet, basename="ballot")

urlpatterns = [
    path("consultation/cast/", PublicCastView.as_view(), name="ballot-cast"),
    *router.urls,
]
