"""API base classes, and the audit log and object history endpoints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, TokenAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jiugai.core.filters import (
    AuditEntryFilter,
    audit_entries_for,
    audit_entries_visible_to,
    change_records_for,
    visible_object_or_404,
)

from .serializers import AuditEntrySerializer, ObjectHistorySerializer


class ApiDefaults:
    """Token first, so a missing or forged token is answered 401 with a WWW-Authenticate header (not 403)."""

    authentication_classes: Sequence[type[BaseAuthentication]] = [TokenAuthentication, SessionAuthentication]


@extend_schema_view(
    list=extend_schema(summary="Audit log entries the caller may read, newest first"),
    retrieve=extend_schema(summary="One audit entry by sequence number"),
)
class AuditEntryViewSet(ApiDefaults, viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    lookup_field = "seq"
    lookup_value_regex = r"\d+"
    search_fields: list[str] = []
    ordering_fields = ["seq", "at"]

    def get_queryset(self) -> Any:
        return audit_entries_visible_to(self.request.user).order_by("-seq")


class AuditHistoryView(ApiDefaults, APIView):
    """The change history of one object the caller may see; anything else is 404."""

    @extend_schema(
        summary="Change history of one object",
        parameters=[
            OpenApiParameter("object_type", str, required=True, description="app_label.model, e.g. inventory.estate"),
            OpenApiParameter("object_id", str, required=True),
        ],
        responses=ObjectHistorySerializer,
    )
    def get(self, request: Request) -> Response:
        object_type = request.query_params.get("object_type", "").strip()
        object_id = request.query_params.get("object_id", "").strip()
        missing = {
            name: [_("This parameter is required.")]
            for name, value in (("object_type", object_type), ("object_id", object_id))
            if not value
        }
        if missing:
            raise serializers.ValidationError(missing)
        obj = visible_object_or_404(request.user, object_type, object_id)
        data = {
            "object_type": obj._meta.label_lower,
            "object_id": str(obj.pk),
            "object_repr": str(obj),
            "changes": change_records_for(obj)[:500],
            "audit_entries": audit_entries_for(request.user, obj).order_by("-seq")[:200],
        }
        return Response(ObjectHistorySerializer(data).data)
