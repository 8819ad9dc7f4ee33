"""Projects API: list and read projects (scoped), what blocks each next stage, advance a stage, the headquarters,
sign-offs, and registration from an approved plan. Writes go through the services."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require
from jiugai.core.scoping import visible_to
from jiugai.planning.models import AnnualPlan

from ..choices import MemberRole, SignoffKind, Stage
from ..filters import ProjectFilter
from ..models import Project
from ..selectors import project as selectors
from ..services import project as services


class ProjectSerializer(serializers.ModelSerializer):
    """A project with its stage, deadlines, dates and overdue flags."""

    street = serializers.CharField(source="jurisdiction.name", read_only=True)
    estate_code = serializers.CharField(source="estate.code", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "street",
            "estate_code",
            "year",
            "stage",
            "budget",
            "percent_complete",
            "last_report_on",
            "registered_on",
            "preliminary_due",
            "start_due",
            "completion_due",
            "acceptance_due",
            "deadline_sources",
            "started_on",
            "completed_on",
            "accepted_on",
            "handed_over_on",
            "closed_on",
            "design_firm",
            "construction_firm",
            "supervision_firm",
            "utilities",
            "public_id",
            "overdue",
        ]

    def get_overdue(self, project: Project) -> list[dict[str, Any]]:
        return [{"code": f.code, "message": f.message, "due": f.due} for f in selectors.project_overdue(project)]


class ProjectStepSerializer(serializers.Serializer):
    """A stage the project may move to next and what still blocks it."""

    target = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    forward = serializers.BooleanField()
    blockers = serializers.ListField(child=serializers.CharField())


class ProjectAdvanceSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=Stage.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    on = serializers.DateField(required=False, allow_null=True, default=None)


class ProjectMemberSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=MemberRole.choices)
    name = serializers.CharField(max_length=100)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class ProjectSignoffSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SignoffKind.choices)
    signed_on = serializers.DateField()
    signer_name = serializers.CharField(max_length=200)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ProjectRegisterSerializer(serializers.Serializer):
    plan = serializers.IntegerField()


@extend_schema_view(
    list=extend_schema(summary="Projects the caller may see (filters: q, stage, street, year, overdue)"),
    retrieve=extend_schema(summary="One project"),
)
class ProjectViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    search_fields: list[str] = []
    ordering_fields = ["code", "year", "registered_on"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Project.objects.none()
        require(self.request.user, "projects.view")
        return selectors.project_list(user=self.request.user).order_by("id")

    @extend_schema(
        summary="The stages the project may move to next, with what blocks each",
        responses=ProjectStepSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="next-steps")
    def next_steps(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        return Response(
            ProjectStepSerializer(selectors.project_next_steps(project=project, actor=request.user), many=True).data
        )

    @extend_schema(
        summary="Move the project to a stage (every gate must be met)",
        request=ProjectAdvanceSerializer,
        responses=ProjectSerializer,
    )
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        data = ProjectAdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_advance(actor=request.user, project=project, **data.validated_data)
        project.refresh_from_db()
        return Response(ProjectSerializer(project).data)

    @extend_schema(
        summary="Add a person to the project headquarters",
        request=ProjectMemberSerializer,
        responses=ProjectMemberSerializer,
    )
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        data = ProjectMemberSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_member_add(actor=request.user, project=project, **data.validated_data)
        return Response(data.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a sign-off the works wait for",
        request=ProjectSignoffSerializer,
        responses=ProjectSignoffSerializer,
    )
    @action(detail=True, methods=["post"])
    def signoffs(self, request: Request, pk: str) -> Response:
        project = self.get_object()
        data = ProjectSignoffSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_signoff_record(actor=request.user, project=project, **data.validated_data)
        return Response(data.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Register a project for every implement-tier estate of an approved plan",
        request=ProjectRegisterSerializer,
        responses=ProjectSerializer(many=True),
    )
    @action(detail=False, methods=["post"], url_path="register")
    def register(self, request: Request) -> Response:
        data = ProjectRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = visible_to(request.user, AnnualPlan.objects.all()).filter(pk=data.validated_data["plan"]).first()
        if plan is None:
            raise exceptions.ValidationError({"plan": [_("Unknown or outside your scope.")]})
        created = services.projects_register_from_plan(actor=request.user, plan=plan)
        return Response(ProjectSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="projects-project")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
