"""Projects API: progress (mounted at /api/v1/projects/). The ledger (paginated, filterable, a fixed number of
queries a page), a project's weekly reports (list, file one), a report with its lines and photos, photo upload,
and the weekly digests (list, read, build now). Every read is scoped by `visible_to`; writes go through the
services, whose refusals come back in the one JSON error shape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require
from jiugai.inventory.selectors import jurisdiction_for_user

from ..models import ProgressPhoto, Project, WeeklyDigest, WeeklyReport
from ..selectors import progress as selectors
from ..selectors.project import project_get
from ..services import progress as services
from .serializers_progress import (
    DigestBuildSerializer,
    DigestDetailSerializer,
    DigestSerializer,
    LedgerRowSerializer,
    PhotoCreateSerializer,
    PhotoSerializer,
    ReportCreateSerializer,
    ReportDetailSerializer,
    ReportSerializer,
)

LEDGER_PARAMETERS = [
    OpenApiParameter("q", str, description="Search code, name, estate (also pinyin)"),
    OpenApiParameter("street", str, description="Street (or any jurisdiction) code"),
    OpenApiParameter("stage", str, description="Stage"),
    OpenApiParameter("year", int, description="Plan year"),
    OpenApiParameter("overdue", bool, description="Only projects behind a deadline"),
    OpenApiParameter("closed", bool, description="yes: closed out; no: not closed out"),
]


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    """A ledger row with dates as ISO text and the percentage as a decimal string."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = str(value)
        else:
            out[key] = value
    out["overdue"] = [{**flag, "due": flag["due"].isoformat()} for flag in row["overdue"]]
    return out


class LedgerView(ApiDefaults, generics.GenericAPIView):
    """The ledger (台账) of every project the caller may see."""

    serializer_class = LedgerRowSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Project.objects.none()
        require(self.request.user, "projects.view")
        return selectors.ledger_rows(user=self.request.user, filters=self.request.query_params)

    @extend_schema(
        summary="The project ledger: registration and close-out, stage, percent complete, last report, overdue",
        parameters=LEDGER_PARAMETERS,
        responses=LedgerRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        lines: Any = selectors.LedgerPage(self.get_queryset())
        page: list[Any] | None = self.paginate_queryset(lines)
        today = timezone.localdate()
        # Rows are plain JSON values as LedgerRowSerializer documents them (a serializer per field of 50 rows costs
        # more than the two queries of the page).
        return self.get_paginated_response([_json_row(selectors.ledger_row(p, today)) for p in page or []])


class ProjectReportsView(ApiDefaults, generics.GenericAPIView):
    """A project's weekly reports: read them, or file this week's."""

    serializer_class = ReportSerializer
    filter_backends: list[Any] = []
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def project(self) -> Project:
        require(self.request.user, "projects.view")
        return project_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return WeeklyReport.objects.none()
        return selectors.report_list(user=self.request.user, project=self.project())

    @extend_schema(summary="A project's weekly reports, newest week first", responses=ReportSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReportSerializer(page, many=True).data)

    @extend_schema(
        summary="File the weekly report: the quantity done this week per BoQ line (percent complete is computed)",
        request=ReportCreateSerializer,
        responses={201: ReportDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = self.project()
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_submit(actor=request.user, project=project, **data.validated_data)
        found = selectors.report_get(user=request.user, pk=report.pk)
        return Response(ReportDetailSerializer(found).data, status=status.HTTP_201_CREATED)


class ReportDetailView(ApiDefaults, generics.GenericAPIView):
    """One weekly report with its lines and photos."""

    serializer_class = ReportDetailSerializer

    @extend_schema(summary="One weekly report with its quantities per line and its photos")
    def get(self, request: Request, pk: int) -> Response:
        require(request.user, "projects.view")
        return Response(ReportDetailSerializer(selectors.report_get(user=request.user, pk=pk)).data)


class ReportPhotosView(ApiDefaults, generics.GenericAPIView):
    """A report's site photos: read them, or upload one."""

    serializer_class = PhotoSerializer
    parser_classes = [MultiPartParser, FormParser]
    queryset = ProgressPhoto.objects.none()  # for the schema; reads go through the selectors

    @extend_schema(summary="The report's photos", responses=PhotoSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        require(request.user, "projects.view")
        report = selectors.report_get(user=request.user, pk=pk)
        return Response(PhotoSerializer(selectors.report_photos(report=report), many=True).data)

    @extend_schema(
        summary="Upload a site photo with time and place (JPEG, PNG or WebP; at most 10 MB)",
        request={"multipart/form-data": PhotoCreateSerializer},
        responses={201: PhotoSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        require(request.user, "projects.view")
        report = selectors.report_get(user=request.user, pk=pk)
        data = PhotoCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        photo = services.photo_add(actor=request.user, report=report, **data.validated_data)
        return Response(PhotoSerializer(photo).data, status=status.HTTP_201_CREATED)


class DigestListView(ApiDefaults, generics.GenericAPIView):
    """The weekly digests the caller may see; office roles build one now."""

    serializer_class = DigestSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return WeeklyDigest.objects.none()
        require(self.request.user, "projects.view")
        return selectors.digest_list(user=self.request.user)

    @extend_schema(summary="Weekly digests, newest week first", responses=DigestSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DigestSerializer(page, many=True).data)

    @extend_schema(
        summary="Build (or rebuild) a jurisdiction's digest for a week (the latest report day by default)",
        request=DigestBuildSerializer,
        responses={201: DigestDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        require(request.user, "projects.manage")
        data = DigestBuildSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data["jurisdiction"]
        node = jurisdiction_for_user(user=request.user, code=code)
        if node is None:
            raise exceptions.ValidationError(
                {"jurisdiction": [_("Unknown jurisdiction or outside your scope: %(code)s") % {"code": code}]}
            )
        digest = services.digest_build(
            jurisdiction=node, week_ending=data.validated_data["week_ending"], actor=request.user
        )
        return Response(DigestDetailSerializer(digest).data, status=status.HTTP_201_CREATED)


class DigestDetailView(ApiDefaults, generics.GenericAPIView):
    """One weekly digest with every figure."""

    serializer_class = DigestDetailSerializer

    @extend_schema(summary="One weekly digest with every figure")
    def get(self, request: Request, pk: int) -> Response:
        require(request.user, "projects.view")
        return Response(DigestDetailSerializer(selectors.digest_get(user=request.user, pk=pk)).data)


urlpatterns: list[URLPattern | URLResolver] = [
    path("ledger/", LedgerView.as_view(), name="projects-ledger"),
    path("projects/<int:pk>/reports/", ProjectReportsView.as_view(), name="projects-reports"),
    path("reports/<int:pk>/", ReportDetailView.as_view(), name="projects-report"),
    path("reports/<int:pk>/photos/", ReportPhotosView.as_view(), name="projects-report-photos"),
    path("digests/", DigestListView.as_view(), name="projects-digests"),
    path("digests/<int:pk>/", DigestDetailView.as_view(), name="projects-digest"),
]
