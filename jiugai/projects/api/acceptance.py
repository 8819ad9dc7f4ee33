"""Projects API: quality and acceptance (Zhanhe 001, Guyuan 003) — inspections, defects (close), joint acceptance
rounds (open, sign), handover, archive, final accounts, post-evaluation, a project's acceptance state and the
pass-rate KPI. Reads are scoped (a project the caller reaches); writes go through the services, whose refusals
come back in the one JSON error shape."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require
from jiugai.inventory.selectors import jurisdiction_for_user

from ..models import Project
from ..selectors import acceptance as selectors
from ..services import acceptance as services
from .serializers_acceptance import (
    AcceptanceArchiveCreateSerializer,
    AcceptanceArchiveItemSerializer,
    AcceptanceDefectCloseSerializer,
    AcceptanceDefectCreateSerializer,
    AcceptanceDefectSerializer,
    AcceptanceEvaluationInputSerializer,
    AcceptanceEvaluationSerializer,
    AcceptanceFinalAccountInputSerializer,
    AcceptanceFinalAccountSerializer,
    AcceptanceHandoverCreateSerializer,
    AcceptanceHandoverSerializer,
    AcceptanceInspectionCreateSerializer,
    AcceptanceInspectionSerializer,
    AcceptancePassRateSerializer,
    AcceptanceRoundOpenSerializer,
    AcceptanceRoundSerializer,
    AcceptanceSignInputSerializer,
    AcceptanceStateSerializer,
)


def _project(request: Request, pk: int) -> Project:
    require(request.user, "projects.view")
    return selectors.acceptance_project_get(user=request.user, pk=pk)


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class AcceptanceStateView(ApiDefaults, APIView):
    """A project's acceptance in one read."""

    @extend_schema(
        summary="A project's acceptance state: rounds, open defects, archive, handover, money, survey",
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        state = selectors.acceptance_state(project=project)
        data = {
            **state,
            "stage": project.stage,
            "accepted_on": project.accepted_on,
            "rounds": [entry["round"] for entry in state["rounds"]],
            "satisfaction": state["satisfaction"].as_dict()["figures"],
        }
        return Response(AcceptanceStateSerializer(data).data)


class AcceptanceInspectionsView(ApiDefaults, APIView):
    """A project's inspections, and recording one with the defects it found."""

    @extend_schema(summary="Inspections of a project", responses=AcceptanceInspectionSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        rows = selectors.inspection_list(user=request.user, project=project)
        return Response(AcceptanceInspectionSerializer(rows, many=True).data)

    @extend_schema(
        summary="Record an inspection with its defects",
        request=AcceptanceInspectionCreateSerializer,
        responses=AcceptanceInspectionSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        inspection = services.inspection_record(
            actor=request.user, project=project, **_valid(AcceptanceInspectionCreateSerializer, request)
        )
        return Response(AcceptanceInspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)


class AcceptanceDefectsView(ApiDefaults, APIView):
    """A project's rectification list, and adding a defect (which reopens a passed acceptance before handover)."""

    @extend_schema(summary="Defects of a project, open first", responses=AcceptanceDefectSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        return Response(
            AcceptanceDefectSerializer(selectors.defect_list(user=request.user, project=project), many=True).data
        )

    @extend_schema(
        summary="Add a defect to the rectification list",
        request=AcceptanceDefectCreateSerializer,
        responses=AcceptanceDefectSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        values = _valid(AcceptanceDefectCreateSerializer, request)
        inspection = None
        if values.get("inspection"):
            inspection = (
                selectors.inspection_list(user=request.user, project=project).filter(pk=values["inspection"]).first()
            )
            if inspection is None:
                raise exceptions.ValidationError({"inspection": [_("Unknown or outside your scope.")]})
        values["inspection"] = inspection
        defect = services.defect_add(actor=request.user, project=project, **values)
        return Response(AcceptanceDefectSerializer(defect).data, status=status.HTTP_201_CREATED)


class AcceptanceDefectCloseView(ApiDefaults, APIView):
    """Close a defect once its rectification is checked."""

    @extend_schema(
        summary="Close a defect with its rectification",
        request=AcceptanceDefectCloseSerializer,
        responses=AcceptanceDefectSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        require(request.user, "projects.view")
        defect = selectors.defect_get(user=request.user, pk=pk)
        defect = services.defect_close(
            actor=request.user, defect=defect, **_valid(AcceptanceDefectCloseSerializer, request)
        )
        return Response(AcceptanceDefectSerializer(defect).data)


class AcceptanceRoundsView(ApiDefaults, APIView):
    """A project's rounds of joint acceptance, and opening one."""

    @extend_schema(summary="Joint acceptance rounds of a project", responses=AcceptanceRoundSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        return Response(
            AcceptanceRoundSerializer(selectors.round_list(user=request.user, project=project), many=True).data
        )

    @extend_schema(
        summary="Open a round of joint acceptance (the project must await acceptance)",
        request=AcceptanceRoundOpenSerializer,
        responses=AcceptanceRoundSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        rnd = services.acceptance_open(
            actor=request.user, project=project, **_valid(AcceptanceRoundOpenSerializer, request)
        )
        return Response(AcceptanceRoundSerializer(rnd).data, status=status.HTTP_201_CREATED)


class AcceptanceSignView(ApiDefaults, APIView):
    """One party signs a round, for itself only."""

    @extend_schema(
        summary="Sign a round for your own party ('fail' needs a note; it becomes a defect)",
        request=AcceptanceSignInputSerializer,
        responses=AcceptanceRoundSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        require(request.user, "projects.view")
        rnd = selectors.round_get(user=request.user, pk=pk)
        services.acceptance_sign(actor=request.user, round=rnd, **_valid(AcceptanceSignInputSerializer, request))
        rnd.refresh_from_db()
        return Response(AcceptanceRoundSerializer(rnd).data, status=status.HTTP_201_CREATED)


class AcceptanceHandoverView(ApiDefaults, APIView):
    """The handover agreement of a project."""

    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(summary="The handover agreement", responses=AcceptanceHandoverSerializer)
    def get(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        handover = getattr(project, "handover", None)
        if handover is None:
            raise exceptions.NotFound(_("No handover agreement has been recorded."))
        return Response(AcceptanceHandoverSerializer(handover).data)

    @extend_schema(
        summary="Record the handover agreement (after a passed acceptance; multipart for the scan)",
        request=AcceptanceHandoverCreateSerializer,
        responses=AcceptanceHandoverSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        handover = services.handover_record(
            actor=request.user, project=project, **_valid(AcceptanceHandoverCreateSerializer, request)
        )
        return Response(AcceptanceHandoverSerializer(handover).data, status=status.HTTP_201_CREATED)


class AcceptanceArchiveView(ApiDefaults, APIView):
    """A project's archive documents, and filing one."""

    parser_classes = [FormParser, MultiPartParser]

    @extend_schema(summary="Archive documents of a project", responses=AcceptanceArchiveItemSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        items = selectors.archive_list(user=request.user, project=project)
        return Response(AcceptanceArchiveItemSerializer(items, many=True).data)

    @extend_schema(
        summary="File a document in the archive (multipart)",
        request=AcceptanceArchiveCreateSerializer,
        responses=AcceptanceArchiveItemSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        item = services.archive_add(
            actor=request.user, project=project, **_valid(AcceptanceArchiveCreateSerializer, request)
        )
        return Response(AcceptanceArchiveItemSerializer(item).data, status=status.HTTP_201_CREATED)


class AcceptanceFinalAccountView(ApiDefaults, APIView):
    """The final accounts of a project."""

    @extend_schema(summary="The final accounts", responses=AcceptanceFinalAccountSerializer)
    def get(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        account = getattr(project, "final_account", None)
        if account is None:
            raise exceptions.NotFound(_("No final accounts have been recorded."))
        return Response(AcceptanceFinalAccountSerializer(account).data)

    @extend_schema(
        summary="Draw up, correct or mark audited the final accounts (totals computed from the contracts)",
        request=AcceptanceFinalAccountInputSerializer,
        responses=AcceptanceFinalAccountSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        account = services.final_account_record(
            actor=request.user, project=project, **_valid(AcceptanceFinalAccountInputSerializer, request)
        )
        return Response(AcceptanceFinalAccountSerializer(account).data)


class AcceptanceEvaluationView(ApiDefaults, APIView):
    """The post-evaluation of a project."""

    @extend_schema(summary="The post-evaluation", responses=AcceptanceEvaluationSerializer)
    def get(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        evaluation = getattr(project, "evaluation", None)
        if evaluation is None:
            raise exceptions.NotFound(_("The post-evaluation has not been recorded."))
        return Response(AcceptanceEvaluationSerializer(evaluation).data)

    @extend_schema(
        summary="Record the post-evaluation with today's satisfaction figures",
        request=AcceptanceEvaluationInputSerializer,
        responses=AcceptanceEvaluationSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        project = _project(request, pk)
        evaluation = services.evaluation_record(
            actor=request.user, project=project, **_valid(AcceptanceEvaluationInputSerializer, request)
        )
        return Response(AcceptanceEvaluationSerializer(evaluation).data, status=status.HTTP_201_CREATED)


class AcceptancePassRateView(ApiDefaults, APIView):
    """The acceptance pass rate against the profile's target."""

    @extend_schema(
        summary="Acceptance pass rate (first-time) of the projects in view against projects.acceptance_pass_rate",
        parameters=[OpenApiParameter("jurisdiction", str, required=False, description="Jurisdiction code")],
        responses=AcceptancePassRateSerializer,
    )
    def get(self, request: Request) -> Response:
        require(request.user, "projects.view")
        code = request.query_params.get("jurisdiction", "").strip() or None
        node = jurisdiction_for_user(user=request.user, code=code)
        if code and node is None:
            raise exceptions.NotFound(_("Unknown jurisdiction or outside your scope: %(code)s") % {"code": code})
        kpi = selectors.pass_rate_kpi(user=request.user, jurisdiction=node)
        data = {
            "jurisdiction": node.code if node is not None else None,
            "decision": kpi["decision"].as_dict(),
            "rows": [
                {
                    "project": row["code"],
                    "name": row["name"],
                    "rounds": row["rounds"],
                    "first_passed": row["first_passed"],
                    "accepted_on": row["accepted_on"].isoformat() if row["accepted_on"] else None,
                }
                for row in kpi["rows"]
            ],
        }
        return Response(AcceptancePassRateSerializer(data).data)


urlpatterns: list[URLPattern | URLResolver] = [
    path("projects/<int:pk>/acceptance/", AcceptanceStateView.as_view(), name="projects-acceptance-state"),
    path("projects/<int:pk>/inspections/", AcceptanceInspectionsView.as_view(), name="projects-acceptance-inspections"),
    path("projects/<int:pk>/defects/", AcceptanceDefectsView.as_view(), name="projects-acceptance-defects"),
    path("defects/<int:pk>/close/", AcceptanceDefectCloseView.as_view(), name="projects-acceptance-defect-close"),
    path("projects/<int:pk>/acceptance-rounds/", AcceptanceRoundsView.as_view(), name="projects-acceptance-rounds"),
    path("acceptance-rounds/<int:pk>/sign/", AcceptanceSignView.as_view(), name="projects-acceptance-sign"),
    path("projects/<int:pk>/handover/", AcceptanceHandoverView.as_view(), name="projects-acceptance-handover"),
    path("projects/<int:pk>/archive/", AcceptanceArchiveView.as_view(), name="projects-acceptance-archive"),
    path(
        "projects/<int:pk>/final-accounts/",
        AcceptanceFinalAccountView.as_view(),
        name="projects-acceptance-final-accounts",
    ),
    path("projects/<int:pk>/evaluation/", AcceptanceEvaluationView.as_view(), name="projects-acceptance-evaluation"),
    path("acceptance/pass-rate/", AcceptancePassRateView.as_view(), name="projects-acceptance-pass-rate"),
]
