"""Funding API: sources, allocations (create with every check, workflow transitions, receipts and payments,
documents, the OCDS budget breakdown of an estate), cost shares (create, publish), alerts and the summary.
Every list is scoped by `visible_to`; writes go through the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jiugai.consultation.models import Campaign
from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require
from jiugai.core.scoping import visible_to
from jiugai.funding import selectors, services
from jiugai.funding.models import Allocation, CostShare, FundingAlert, FundingSource
from jiugai.inventory.models import Building, Estate, Household
from jiugai.inventory.selectors import jurisdiction_for_user
from jiugai.planning.models import PlanEntry

from .serializers import (
    AlertSerializer,
    AllocationCreateSerializer,
    AllocationSerializer,
    AllocationTransitionSerializer,
    CostShareCreateSerializer,
    CostShareSerializer,
    DocumentCreateSerializer,
    FundingSourceSerializer,
    MovementCreateSerializer,
    MovementSerializer,
    SourceCreateSerializer,
    SummarySerializer,
)


def _visible(request: Request, queryset: Any, field: str, **lookup: Any) -> Any:
    found = visible_to(request.user, queryset).filter(**lookup).first()
    if found is None:
        raise exceptions.ValidationError({field: [_("Unknown or outside your scope.")]})
    return found


def _estate(request: Request, code: str) -> Estate:
    return _visible(request, Estate.objects.select_related("jurisdiction"), "estate", code=code)


@extend_schema_view(
    list=extend_schema(summary="Funding sources the caller may see or use"),
    retrieve=extend_schema(summary="One funding source"),
    create=extend_schema(summary="Record a funding source", request=SourceCreateSerializer),
)
class SourceViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FundingSourceSerializer
    search_fields = ["name", "programme"]
    ordering_fields = ["name", "year"]
    filterset_fields = ["kind", "year"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return FundingSource.objects.none()
        require(self.request.user, "funding.view")
        return selectors.source_list(user=self.request.user).order_by("id")

    def create(self, request: Request) -> Response:
        data = SourceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        code = values.pop("jurisdiction", "") or None
        node = jurisdiction_for_user(user=request.user, code=code)
        if node is None:
            raise exceptions.NotFound(_("Unknown jurisdiction or outside your scope: %(code)s") % {"code": code or "—"})
        source = services.source_create(jurisdiction=node, actor=request.user, **values)
        return Response(FundingSourceSerializer(source).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Allocations with their received and paid totals"),
    retrieve=extend_schema(summary="One allocation"),
    create=extend_schema(
        summary="Allocate money of a source to an estate (all checks; nothing saved when refused)",
        request=AllocationCreateSerializer,
    ),
)
class AllocationViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AllocationSerializer
    search_fields: list[str] = []
    ordering_fields = ["amount", "year"]
    filterset_fields = ["status", "year", "source"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Allocation.objects.none()
        require(self.request.user, "funding.view")
        qs = selectors.allocation_list(user=self.request.user).order_by("id")
        estate = self.request.query_params.get("estate")
        return qs.filter(estate__code=estate) if estate else qs

    def create(self, request: Request) -> Response:
        data = AllocationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        estate = _estate(request, v["estate"])
        source = selectors.source_list(user=request.user).filter(pk=v["source"]).first()
        if source is None:
            raise exceptions.ValidationError({"source": [_("Unknown or outside your scope.")]})
        plan_entry = (
            _visible(request, PlanEntry.objects.select_related("plan"), "plan_entry", pk=v["plan_entry"])
            if v.get("plan_entry")
            else None
        )
        campaign = (
            _visible(request, Campaign.objects.all(), "authorising_campaign", pk=v["authorising_campaign"])
            if v.get("authorising_campaign")
            else None
        )
        allocation = services.allocation_create(
            source=source,
            estate=estate,
            amount=v["amount"],
            year=v.get("year"),
            plan_entry=plan_entry,
            item_class=v.get("item_class", ""),
            authorising_campaign=campaign,
            note=v.get("note", ""),
            actor=request.user,
        )
        return Response(
            AllocationSerializer(selectors.allocation_get(user=request.user, pk=allocation.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Move the allocation along planned → applied → approved → received → paid",
        request=AllocationTransitionSerializer,
        responses=AllocationSerializer,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        data = AllocationTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.allocation_transition(
            allocation=self.get_object(),
            target=data.validated_data["target"],
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(AllocationSerializer(selectors.allocation_get(user=request.user, pk=pk)).data)

    @extend_schema(methods=["get"], summary="Receipts and payments", responses=MovementSerializer(many=True))
    @extend_schema(
        methods=["post"],
        summary="Record a receipt or payment",
        request=MovementCreateSerializer,
        responses=MovementSerializer,
    )
    @action(detail=True, methods=["get", "post"])
    def movements(self, request: Request, pk: str | None = None) -> Response:
        allocation = self.get_object()
        if request.method == "GET":
            return Response(MovementSerializer(allocation.movements.order_by("on", "id"), many=True).data)
        data = MovementCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        movement = services.movement_record(allocation=allocation, actor=request.user, **data.validated_data)
        return Response(MovementSerializer(movement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Attach a document (PDF, image, Word, Excel, OFD; at most 20 MB)",
        request={"multipart/form-data": DocumentCreateSerializer},
        responses={201: None},
    )
    @action(detail=True, methods=["post"])
    def documents(self, request: Request, pk: str | None = None) -> Response:
        data = DocumentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = services.allocation_document_add(
            allocation=self.get_object(), actor=request.user, **data.validated_data
        )
        return Response({"id": document.pk, "title": document.title}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="An estate's funding as an OCDS planning.budget.budgetBreakdown",
        parameters=[OpenApiParameter("estate", str, required=True, description="Estate code")],
        responses={200: dict},
    )
    @action(detail=False, methods=["get"])
    def ocds(self, request: Request) -> Response:
        estate = _estate(request, request.query_params.get("estate", ""))
        allocations = selectors.allocation_list(user=request.user).filter(estate=estate)
        return Response(selectors.ocds_budget_breakdown(estate=estate, allocations=allocations))


@extend_schema_view(
    list=extend_schema(summary="Residents' cost shares"),
    retrieve=extend_schema(summary="One cost share with each household's share"),
    create=extend_schema(summary="Work out a cost share (draft)", request=CostShareCreateSerializer),
)
class CostShareViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CostShareSerializer
    search_fields = ["item"]
    ordering_fields = ["total"]
    filterset_fields = ["status", "method"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return CostShare.objects.none()
        require(self.request.user, "funding.view")
        return (
            selectors.cost_share_list(user=self.request.user)
            .prefetch_related("shares__household__building")
            .order_by("id")
        )

    def create(self, request: Request) -> Response:
        data = CostShareCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        estate = _estate(request, v.pop("estate"))
        building = (
            _visible(request, Building.objects.all(), "building", pk=v.pop("building")) if v.get("building") else None
        )
        v.pop("building", None)
        payer = _visible(request, Household.objects.all(), "payer", pk=v.pop("payer")) if v.get("payer") else None
        v.pop("payer", None)
        cost_share = services.cost_share_create(estate=estate, building=building, payer=payer, actor=request.user, **v)
        return Response(CostShareSerializer(cost_share).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Publish the shares to the households", request=None, responses=CostShareSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        cost_share = services.cost_share_publish(cost_share=self.get_object(), actor=request.user)
        return Response(CostShareSerializer(cost_share).data)


@extend_schema_view(
    get=extend_schema(
        summary="Idle funds, lagging spending, over-claims and money outside its earmark (stored; most important "
        "first, a page at a time)"
    )
)
class AlertView(ApiDefaults, generics.ListAPIView):
    """The stored alerts (refreshed on every funding write and on a schedule), as the dashboard shows them."""

    serializer_class = AlertSerializer
    search_fields: list[str] = []
    ordering_fields = ["amount"]
    filterset_fields = ["kind"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return FundingAlert.objects.none()
        require(self.request.user, "funding.view")
        return selectors.funding_alert_list(user=self.request.user)


class SummaryView(ApiDefaults, APIView):
    @extend_schema(
        summary="Money allocated, approved, received and paid by source, level, plan and jurisdiction",
        responses=SummarySerializer,
    )
    def get(self, request: Request) -> Response:
        require(request.user, "funding.view")
        summary = selectors.funding_summary(user=request.user, charts=False)
        return Response(
            SummarySerializer(
                {
                    "by_source": summary.by_source,
                    "by_level": summary.by_level,
                    "by_plan": summary.by_plan,
                    "by_jurisdiction": summary.by_jurisdiction,
                }
            ).data
        )
