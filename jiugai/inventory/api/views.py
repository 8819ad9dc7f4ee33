"""Estate inventory API: estates, buildings and households, always scoped to the caller's jurisdiction;
screening and the data-quality report."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require
from jiugai.core.scoping import visible_to
from jiugai.inventory import selectors, services
from jiugai.inventory.filters import BuildingFilter, EstateFilter, HouseholdFilter
from jiugai.inventory.models import Building, Estate, Household

from .serializers import (
    BuildingSerializer,
    EstateScreenRequestSerializer,
    EstateSerializer,
    HouseholdSerializer,
    QualityReportSerializer,
    ScreeningRequestSerializer,
    ScreeningResultSerializer,
    ScreeningSummarySerializer,
)


class ScopedReadOnlyViewSet(ApiDefaults, viewsets.ReadOnlyModelViewSet):
    """Lists and details limited by `visible_to`: another jurisdiction's objects are 404."""

    search_fields: list[str] = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require(request.user, "inventory.view_estate")

    def get_queryset(self) -> Any:
        return visible_to(self.request.user, super().get_queryset())


@extend_schema_view(list=extend_schema(summary="Estates"), retrieve=extend_schema(summary="One estate"))
class EstateViewSet(ScopedReadOnlyViewSet):
    queryset = Estate.objects.select_related("street", "jurisdiction", "eligibility_status")
    serializer_class = EstateSerializer
    filterset_class = EstateFilter
    ordering_fields = ["name", "build_year", "code"]

    @extend_schema(summary="Visible estates as GeoJSON (points and boundaries), filterable like the list")
    @action(detail=False, methods=["get"], url_path="geojson", pagination_class=None)
    def geojson(self, request: Request) -> Response:
        return Response(selectors.estate_geojson(self.filter_queryset(self.get_queryset())))

    @extend_schema(
        summary="Screen one estate for eligibility",
        request=EstateScreenRequestSerializer,
        responses=ScreeningResultSerializer,
    )
    @action(detail=True, methods=["post"], url_path="screen")
    def screen(self, request: Request, pk: str | None = None) -> Response:
        require(request.user, "inventory.screen")
        estate = self.get_object()
        body = EstateScreenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = services.estate_screen(estate=estate, on=body.validated_data.get("date"), actor=request.user)
        return Response(ScreeningResultSerializer(result).data, status=201)


def _jurisdiction_or_404(user: Any, code: str) -> Any:
    node = selectors.jurisdiction_for_user(user=user, code=code)
    if node is None:
        raise exceptions.NotFound(_("There is no jurisdiction with code %(code)s that you may see.") % {"code": code})
    return node


class ScreeningView(ApiDefaults, APIView):
    """Screen every estate of a jurisdiction the caller may see."""

    @extend_schema(
        summary="Screen all estates of a jurisdiction",
        request=ScreeningRequestSerializer,
        responses=ScreeningSummarySerializer,
    )
    def post(self, request: Request) -> Response:
        require(request.user, "inventory.screen")
        body = ScreeningRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        jurisdiction = _jurisdiction_or_404(request.user, body.validated_data["jurisdiction"])
        summary = services.jurisdiction_screen(
            jurisdiction=jurisdiction, on=body.validated_data.get("date"), actor=request.user
        )
        return Response(summary.as_dict(), status=201)


class QualityView(ApiDefaults, APIView):
    """The data-quality report: stored issues per street, and plan totals against computed ones."""

    @extend_schema(
        summary="Data-quality report per street and plan totals check",
        parameters=[OpenApiParameter("jurisdiction", str, description="jurisdiction code (default: your own)")],
        responses=QualityReportSerializer,
    )
    def get(self, request: Request) -> Response:
        require(request.user, "inventory.view_quality")
        code = request.query_params.get("jurisdiction", "").strip()
        jurisdiction = _jurisdiction_or_404(request.user, code) if code else None
        estates = selectors.estate_list(user=request.user)
        if jurisdiction is not None:
            estates = estates.filter(jurisdiction__path__startswith=jurisdiction.path)
        return Response(
            {
                "jurisdiction": jurisdiction.code if jurisdiction else None,
                "streets": [s.as_dict() for s in selectors.quality_by_street(estates)],
                "plan_checks": [
                    c.as_dict() for c in selectors.plan_totals_checks(user=request.user, jurisdiction=jurisdiction)
                ],
            }
        )


@extend_schema_view(list=extend_schema(summary="Buildings"), retrieve=extend_schema(summary="One building"))
class BuildingViewSet(ScopedReadOnlyViewSet):
    queryset = Building.objects.select_related("estate")
    serializer_class = BuildingSerializer
    filterset_class = BuildingFilter
    ordering_fields = ["number", "floors"]


@extend_schema_view(
    list=extend_schema(summary="Households (phone and ID masked unless the caller's role allows)"),
    retrieve=extend_schema(summary="One household"),
)
class HouseholdViewSet(ScopedReadOnlyViewSet):
    queryset = Household.objects.select_related("building")
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    ordering_fields = ["floor", "room", "area"]
