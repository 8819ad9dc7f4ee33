from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    BallotViewSet,
    CampaignViewSet,
    DraftViewSet,
    NoticeViewSet,
    OpinionKeywordViewSet,
    OpinionViewSet,
    PublicCastView,
)

router = SimpleRouter()
router.register("consultation/campaigns", CampaignViewSet, basename="campaign")
router.register("consultation/ballots", BallotViewSet, basename="ballot")
router.register("consultation/notices", NoticeViewSet, basename="notice")
router.register("consultation/drafts", DraftViewSet, basename="draft")
router.register("consultation/opinions", OpinionViewSet, basename="opinion")
router.register("consultation/opinion-keywords", OpinionKeywordViewSet, basename="opinion-keyword")

urlpatterns = [
    path("consultation/cast/", PublicCastView.as_view(), name="ballot-cast"),
    *router.urls,
]
