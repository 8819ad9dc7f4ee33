from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import EffectivePolicyView, PolicyProfileViewSet

router = SimpleRouter()
router.register("policy/profiles", PolicyProfileViewSet, basename="policy-profile")

urlpatterns = [
    path("policy/effective/<str:code>/", EffectivePolicyView.as_view(), name="policy-effective"),
    *router.urls,
]
