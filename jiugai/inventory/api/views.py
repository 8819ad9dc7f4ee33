"""Estate inventory API: estates, buildings and households, always scoped to the caller's jurisdiction."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.request import Request

from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require
from jiugai.core.scoping import visible_to
from jiugai.inventory.filters import BuildingFilter, EstateFilter, HouseholdFilter
from jiugai.inventory.models import Building, Estate, Household

from .serializers import BuildingSerializer, EstateSerializer, HouseholdSerializer


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
    queryset = Estate.objects.select_related("street", "jurisdiction")
    serializer_class = EstateSerializer
    filterset_class = EstateFilter
    ordering_fields = ["name", "build_year", "code"]


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
