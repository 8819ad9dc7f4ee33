"""Projects API: residents' complaints (/api/v1/projects/complaints/): the queue the caller may see (overdue
first), one complaint, and the reply and resolve actions (Guyuan 003: the estate's mediation group answers;
Jincheng 004: construction complaints). Residents submit and rate on the public pages, not here."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require

from ..models import Complaint
from ..selectors import complaints as selectors
from ..services import complaints as services
from .serializers_coordination import (
    ProjectComplaintFilterSerializer,
    ProjectComplaintReplySerializer,
    ProjectComplaintResolveSerializer,
    ProjectComplaintSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="Complaints the caller may see: unanswered ones past their deadline first, then by due time",
        parameters=[
            OpenApiParameter("project", int),
            OpenApiParameter("category", str),
            OpenApiParameter("overdue", bool),
        ],
    ),
    retrieve=extend_schema(summary="One complaint"),
)
class ComplaintViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProjectComplaintSerializer
    search_fields: list[str] = []
    ordering_fields: list[str] = []
    filterset_fields = ["status"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Complaint.objects.none()
        require(self.request.user, "projects.view")
        params = ProjectComplaintFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        queryset = selectors.complaint_queue(user=self.request.user)
        values = params.validated_data
        if values.get("project"):
            queryset = queryset.filter(project_id=values["project"])
        if values.get("category"):
            queryset = queryset.filter(category=values["category"])
        if values.get("overdue") is not None:
            queryset = queryset.filter(**{selectors.OVERDUE: values["overdue"]})
        return queryset

    @extend_schema(
        summary="Answer the complaint (the resident reads it under their reference)",
        request=ProjectComplaintReplySerializer,
        responses=ProjectComplaintSerializer,
    )
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str | None = None) -> Response:
        complaint = self.get_object()
        data = ProjectComplaintReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_reply(actor=request.user, complaint=complaint, reply=data.validated_data["reply"])
        return Response(ProjectComplaintSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(
        summary="Record how the complaint was resolved (audited)",
        request=ProjectComplaintResolveSerializer,
        responses=ProjectComplaintSerializer,
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        complaint = self.get_object()
        data = ProjectComplaintResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_resolve(
            actor=request.user, complaint=complaint, resolution=data.validated_data["resolution"]
        )
        return Response(ProjectComplaintSerializer(self.get_object(), context={"request": request}).data)


router = SimpleRouter()
router.register("complaints", ComplaintViewSet, basename="projects-complaint")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
