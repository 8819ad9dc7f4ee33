"""Projects API: tenders and contracts (Jiyuan 000: BoQ tendering, prices posted in the estate).

- `projects/<pk>/boq/` — the bill of quantities with its totals (GET), add a line (POST); `…/boq/import/` (a
  workbook, all or nothing with the problems by row and column), `…/boq/prefill/` (from the renovation proposal);
- `tenders/` — list (`?project=`), draft, one tender with its bids lowest first; `tenders/<id>/open/`, `bids/`,
  `award/`, `cancel/`, `price-notice/`;
- `contracts/` — list, record (from an awarded tender or by direct award below the threshold);
- `variations/` — list, propose; `variations/<id>/decide/`.

Every read is scoped by `visible_to`; another street's objects are 404, a project named in a body outside the
caller's scope is refused like an unknown one; writes go through the services, whose refusals come back in the
shared error shape.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from jiugai.core.api.errors import error_body
from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require

from ..models import Contract, Project, Tender, Variation
from ..selectors import project as project_selectors
from ..selectors import tenders as selectors
from ..services import tenders as services
from .serializers_tenders import (
    BoqImportSerializer,
    BoqLineCreateSerializer,
    BoqLineSerializer,
    BoqProblemSerializer,
    BoqTotalsSerializer,
    TenderAwardSerializer,
    TenderBidCreateSerializer,
    TenderBidSerializer,
    TenderCancelSerializer,
    TenderContractCreateSerializer,
    TenderContractSerializer,
    TenderCreateSerializer,
    TenderNoticeSerializer,
    TenderOpenSerializer,
    TenderPriceNoticeSerializer,
    TenderSerializer,
    TenderVariationCreateSerializer,
    TenderVariationDecideSerializer,
    TenderVariationSerializer,
)

PROJECT_FILTER = OpenApiParameter("project", int, required=False, description="Only this project's")


def _project_in_body(request: Request, pk: Any) -> Project:
    """A project named in a request body: one the caller may see, else a field error (existence does not leak)."""
    project = project_selectors.project_list(user=request.user).filter(pk=pk).first()
    if project is None:
        raise exceptions.ValidationError({"project": [_("Unknown or outside your scope.")]})
    return project


def _project_filter(request: Request) -> Project | None:
    raw = request.query_params.get("project", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise exceptions.ValidationError({"project": [_("Give a project id.")]})
    return _project_in_body(request, int(raw))


def _bill(project: Project) -> dict[str, Any]:
    summary = selectors.boq_lines_with_totals(project)
    return {
        "base_total": summary.base_total,
        "approved_total": summary.approved_total,
        "current_total": summary.current_total,
        "frozen": services.boq_frozen_reason(project),
        "lines": [row.line for row in summary.rows],
    }


class BoqView(ApiDefaults, APIView):
    """The bill of quantities of one project."""

    def _project(self, request: Request, pk: int) -> Project:
        require(request.user, "projects.view")
        return project_selectors.project_get(user=request.user, pk=pk)

    @extend_schema(
        summary="The bill of quantities with its totals and the quantities in force", responses=BoqTotalsSerializer
    )
    def get(self, request: Request, pk: int) -> Response:
        project = self._project(request, pk)
        context = {"quantities": selectors.boq_quantities(project)}
        return Response(BoqTotalsSerializer(_bill(project), context=context).data)

    @extend_schema(
        summary="Add a line to the bill", request=BoqLineCreateSerializer, responses={201: BoqLineSerializer}
    )
    def post(self, request: Request, pk: int) -> Response:
        project = self._project(request, pk)
        data = BoqLineCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = services.boq_line_add(actor=request.user, project=project, **data.validated_data)
        return Response(BoqLineSerializer(line).data, status=status.HTTP_201_CREATED)


class BoqImportView(ApiDefaults, APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Import the bill from a workbook (all or nothing; problems by row and column)",
        request={"multipart/form-data": BoqImportSerializer},
        responses={201: BoqLineSerializer(many=True), 400: BoqProblemSerializer(many=True)},
    )
    def post(self, request: Request, pk: int) -> Response:
        require(request.user, "projects.view")
        project = project_selectors.project_get(user=request.user, pk=pk)
        data = BoqImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            created = services.boq_import(
                actor=request.user,
                project=project,
                file=data.validated_data["file"],
                replace=not data.validated_data["append"],
            )
        except services.BoqImportInvalid as exc:
            body = error_body(
                "invalid", _("The workbook was not imported; nothing was changed."), {"file": exc.messages}
            )
            body["error"]["problems"] = exc.problems
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(BoqLineSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


class BoqPrefillView(ApiDefaults, APIView):
    @extend_schema(
        summary="Start an empty bill from the estates' newest renovation proposals",
        request=None,
        responses={201: BoqLineSerializer(many=True)},
    )
    def post(self, request: Request, pk: int) -> Response:
        require(request.user, "projects.view")
        project = project_selectors.project_get(user=request.user, pk=pk)
        created = services.boq_prefill_from_proposal(actor=request.user, project=project)
        return Response(BoqLineSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Tenders the caller may see", parameters=[PROJECT_FILTER]),
    retrieve=extend_schema(summary="One tender with its bids, lowest first, and the checks behind it"),
    create=extend_schema(summary="Draft a tender (method from the threshold rule)", request=TenderCreateSerializer),
)
class TenderViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TenderSerializer
    search_fields: list[str] = []
    ordering_fields = ["id", "control_price"]
    filterset_fields = ["kind", "status"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Tender.objects.none()
        require(self.request.user, "projects.view")
        project = _project_filter(self.request)
        return selectors.tender_list(user=self.request.user, project=project).prefetch_related("bids").order_by("id")

    def create(self, request: Request) -> Response:
        data = TenderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = _project_in_body(request, values.pop("project"))
        tender = services.tender_create(actor=request.user, project=project, **values)
        return Response(TenderSerializer(tender).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Issue the documents and open the tender to bids", request=TenderOpenSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        data = TenderOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tender = services.tender_open(actor=request.user, tender=tender, **data.validated_data)
        return Response(TenderSerializer(tender).data)

    @extend_schema(methods=["get"], summary="The tender's bids, lowest first", responses=TenderBidSerializer(many=True))
    @extend_schema(
        methods=["post"],
        summary="Record a bid (checked against the control price and the bill)",
        request=TenderBidCreateSerializer,
        responses={201: TenderBidSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def bids(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        if request.method == "GET":
            return Response(TenderBidSerializer(selectors.tender_bids(tender), many=True).data)
        data = TenderBidCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bid = services.bid_submit(actor=request.user, tender=tender, **data.validated_data)
        return Response(TenderBidSerializer(bid).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Award to the lowest valid bid (at least three bids)", request=TenderAwardSerializer)
    @action(detail=True, methods=["post"])
    def award(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        data = TenderAwardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tender = services.tender_award(actor=request.user, tender=tender, **data.validated_data)
        return Response(TenderSerializer(tender).data)

    @extend_schema(summary="Cancel a draft or open tender, saying why", request=TenderCancelSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        data = TenderCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tender = services.tender_cancel(actor=request.user, tender=tender, **data.validated_data)
        return Response(TenderSerializer(tender).data)

    @extend_schema(
        summary="Post the awarded prices as a public notice in the estate",
        request=TenderPriceNoticeSerializer,
        responses={201: TenderNoticeSerializer},
    )
    @action(detail=True, methods=["post"], url_path="price-notice")
    def price_notice(self, request: Request, pk: str) -> Response:
        tender = self.get_object()
        data = TenderPriceNoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice = services.tender_price_notice_post(actor=request.user, tender=tender, **data.validated_data)
        return Response(TenderNoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Contracts the caller may see", parameters=[PROJECT_FILTER]),
    retrieve=extend_schema(summary="One contract"),
    create=extend_schema(
        summary="Record a contract (from an awarded tender, or by direct award below the threshold)",
        request={
            "application/json": TenderContractCreateSerializer,
            "multipart/form-data": TenderContractCreateSerializer,
        },
    ),
)
class ContractViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TenderContractSerializer
    search_fields: list[str] = []
    ordering_fields = ["id", "amount", "signed_on"]
    filterset_fields = ["kind"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Contract.objects.none()
        require(self.request.user, "projects.view")
        return selectors.contract_list(user=self.request.user, project=_project_filter(self.request)).order_by("id")

    def create(self, request: Request) -> Response:
        data = TenderContractCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = _project_in_body(request, values.pop("project"))
        tender_id = values.pop("tender")
        tender = None
        if tender_id is not None:
            tender = selectors.tender_list(user=request.user, project=project).filter(pk=tender_id).first()
            if tender is None:
                raise exceptions.ValidationError({"tender": [_("Unknown or outside your scope.")]})
        contract = services.contract_sign(actor=request.user, project=project, tender=tender, **values)
        return Response(TenderContractSerializer(contract).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Variations the caller may see", parameters=[PROJECT_FILTER]),
    retrieve=extend_schema(summary="One variation with its lines"),
    create=extend_schema(summary="Propose a variation of a contract", request=TenderVariationCreateSerializer),
)
class VariationViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TenderVariationSerializer
    search_fields: list[str] = []
    ordering_fields = ["id", "number", "cost_delta"]
    filterset_fields = ["status"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Variation.objects.none()
        require(self.request.user, "projects.view")
        return selectors.variation_list(user=self.request.user, project=_project_filter(self.request)).order_by("id")

    def create(self, request: Request) -> Response:
        data = TenderVariationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        contract = selectors.contract_list(user=request.user).filter(pk=values.pop("contract")).first()
        if contract is None:
            raise exceptions.ValidationError({"contract": [_("Unknown or outside your scope.")]})
        variation = services.variation_propose(actor=request.user, contract=contract, **values)
        return Response(
            TenderVariationSerializer(selectors.variation_get(user=request.user, pk=variation.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(summary="Approve or reject a proposed variation", request=TenderVariationDecideSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        variation = self.get_object()
        data = TenderVariationDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.variation_decide(actor=request.user, variation=variation, **data.validated_data)
        return Response(TenderVariationSerializer(selectors.variation_get(user=request.user, pk=variation.pk)).data)


router = SimpleRouter()
router.register("tenders", TenderViewSet, basename="projects-tender")
router.register("contracts", ContractViewSet, basename="projects-contract")
router.register("variations", VariationViewSet, basename="projects-variation")

urlpatterns: list[URLPattern | URLResolver] = [
    path("projects/<int:pk>/boq/", BoqView.as_view(), name="projects-boq"),
    path("projects/<int:pk>/boq/import/", BoqImportView.as_view(), name="projects-boq-import"),
    path("projects/<int:pk>/boq/prefill/", BoqPrefillView.as_view(), name="projects-boq-prefill"),
    path("", include(router.urls)),
]
