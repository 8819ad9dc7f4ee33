"""A small API used only by the error-shape tests, so they do not depend on any app's endpoints."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import include, path
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class _Body(serializers.Serializer):
    name = serializers.CharField(max_length=5)


class EchoView(APIView):
    def post(self, request: Request) -> Response:
        body = _Body(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(body.validated_data)

    def get(self, request: Request) -> Response:
        what = request.query_params.get("raise", "")
        if what == "404":
            raise Http404
        if what == "denied":
            raise PermissionDenied("nope")
        if what == "django-invalid":
            raise ValidationError({"area": ["must be positive"]})
        return Response({"ok": True})


handler404 = "jiugai.core.api.errors.handler404"
handler500 = "jiugai.core.api.errors.handler500"

urlpatterns: list[Any] = [
    path("api/v1/echo/", EchoView.as_view()),
    path("", include("jiugai.urls")),
]
