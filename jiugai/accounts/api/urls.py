from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import JurisdictionViewSet, MeView, TokenObtainView

router = SimpleRouter()
router.register("jurisdictions", JurisdictionViewSet, basename="jurisdiction")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
