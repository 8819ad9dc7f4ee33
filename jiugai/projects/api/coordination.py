"""Projects API: utility coordination (/api/v1/projects/utility-tasks/, /meetings/). Tasks and meetings are
scoped by `visible_to`; writes go through the services (Jiyuan 000: one schedule per estate; Jincheng 004: dig
once — `clashes` lists the works digging the same place in the same week)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require

from ..models import ActionItem, Meeting, Project, UtilityTask
from ..selectors import coordination as selectors
from ..selectors.project import project_list
from ..services import coordination as services
from .serializers_coordination import (
    CoordinationActionDoneSerializer,
    CoordinationActionSerializer,
    CoordinationClashSerializer,
    CoordinationMeetingSerializer,
    CoordinationMeetingWriteSerializer,
    CoordinationTaskSerializer,
    CoordinationTaskUpdateSerializer,
    CoordinationTaskWriteSerializer,
)


def _project(request: Request, pk: Any) -> Project:
    project = project_list(user=request.user).filter(pk=pk).first()
    if project is None:
        raise exceptions.ValidationError({"project": [_("Unknown or outside your scope.")]})
    return project


def _estate(project: Project, code: Any) -> Any:
    estate = project.estates.filter(code=code).first()
    if estate is None:
        raise exceptions.ValidationError({"estate": [_("This estate is not part of the project.")]})
    return estate


@extend_schema_view(
    list=extend_schema(
        summary="Utility tasks the caller may see",
        parameters=[OpenApiParameter("project", int), OpenApiParameter("estate", str, description="Estate code")],
    ),
    retrieve=extend_schema(summary="One utility task"),
    create=extend_schema(
        summary="Put a work on the estate's schedule (dates, dependencies and cycles checked; nothing saved when "
        "refused)",
        request=CoordinationTaskWriteSerializer,
    ),
    partial_update=extend_schema(
        summary="Change a work (the whole schedule is checked again)", request=CoordinationTaskUpdateSerializer
    ),
)
class UtilityTaskViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CoordinationTaskSerializer
    search_fields = ["title", "place"]
    ordering_fields = ["starts_on", "ends_on"]
    filterset_fields = ["status", "utility", "excavation"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return UtilityTask.objects.none()
        require(self.request.user, "projects.view")
        queryset = selectors.utility_task_list(user=self.request.user).order_by("starts_on", "id")
        params = self.request.query_params
        if params.get("project", "").isdigit():
            queryset = queryset.filter(project_id=params["project"])
        if params.get("estate"):
            queryset = queryset.filter(estate__code=params["estate"])
        return queryset

    def create(self, request: Request) -> Response:
        data = CoordinationTaskWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = _project(request, values.pop("project"))
        estate = _estate(project, values.pop("estate"))
        task = services.utility_task_create(actor=request.user, project=project, estate=estate, **values)
        return Response(CoordinationTaskSerializer(task).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = CoordinationTaskUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "estate" in values:
            values["estate"] = _estate(task.project, values["estate"])
        task = services.utility_task_update(actor=request.user, task=task, **values)
        return Response(CoordinationTaskSerializer(task).data)

    @extend_schema(
        summary="Works of a project's estates digging the same place in the same ISO week",
        parameters=[OpenApiParameter("project", int, required=True)],
        responses=CoordinationClashSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def clashes(self, request: Request) -> Response:
        require(request.user, "projects.view")
        project = _project(request, request.query_params.get("project", ""))
        return Response(CoordinationClashSerializer(selectors.clashes_for(project=project), many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="Coordination meetings with their actions", parameters=[OpenApiParameter("project", int)]
    ),
    retrieve=extend_schema(summary="One meeting"),
    create=extend_schema(
        summary="Record a meeting with its minutes and actions", request=CoordinationMeetingWriteSerializer
    ),
)
class MeetingViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CoordinationMeetingSerializer
    search_fields = ["title", "minutes"]
    ordering_fields = ["held_on"]
    filterset_fields: list[str] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Meeting.objects.none()
        require(self.request.user, "projects.view")
        queryset = selectors.meeting_list(user=self.request.user).order_by("-held_on", "id")
        project = self.request.query_params.get("project", "")
        return queryset.filter(project_id=project) if project.isdigit() else queryset

    def create(self, request: Request) -> Response:
        data = CoordinationMeetingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = _project(request, values.pop("project"))
        meeting = services.meeting_record(actor=request.user, project=project, **values)
        return Response(
            CoordinationMeetingSerializer(selectors.meeting_list(user=request.user).get(pk=meeting.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Mark one of the meeting's actions done",
        request=CoordinationActionDoneSerializer,
        responses=CoordinationActionSerializer,
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<item_pk>\d+)/done")
    def action_done(self, request: Request, pk: str | None = None, item_pk: str | None = None) -> Response:
        meeting = self.get_object()
        item = ActionItem.objects.filter(meeting=meeting, pk=int(item_pk or 0)).first()
        if item is None:
            raise exceptions.NotFound()
        data = CoordinationActionDoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.action_item_done(actor=request.user, item=item, done_on=data.validated_data["done_on"])
        return Response(CoordinationActionSerializer(item).data)


router = SimpleRouter()
router.register("utility-tasks", UtilityTaskViewSet, basename="projects-utility-task")
router.register("meetings", MeetingViewSet, basename="projects-meeting")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
