"""Sign-in for API clients, the caller's own account, and the jurisdiction tree."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from jiugai.accounts.selectors import jurisdiction_list
from jiugai.core.api.views import ApiDefaults

from .serializers import JurisdictionSerializer, MeSerializer, TokenRequestSerializer, TokenSerializer


class TokenObtainView(ObtainAuthToken):
    """Exchange a username and password for an API token (rate-limited; failed logins count towards lockout)."""

    authentication_classes: list[Any] = []
    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "public"
    serializer_class = AuthTokenSerializer

    @extend_schema(summary="Obtain an API token", request=TokenRequestSerializer, responses=TokenSerializer, auth=[])
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().post(request, *args, **kwargs)


class MeView(ApiDefaults, APIView):
    @extend_schema(summary="The signed-in user", responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


@extend_schema_view(
    list=extend_schema(summary="Jurisdictions within the caller's scope"),
    retrieve=extend_schema(summary="One jurisdiction by code"),
)
class JurisdictionViewSet(ApiDefaults, viewsets.ReadOnlyModelViewSet):
    serializer_class = JurisdictionSerializer
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filterset_fields = ["level"]
    search_fields = ["name", "name_pinyin", "code"]
    ordering_fields = ["path", "code", "name"]

    def get_queryset(self) -> Any:
        return jurisdiction_list(user=self.request.user).select_related("parent")

    def get_object(self) -> Any:
        code = self.kwargs["code"]
        obj = self.get_queryset().filter(code=code).first()
        if obj is None:
            raise NotFound(_("There is no jurisdiction with the code %(code)s.") % {"code": code})
        return obj
