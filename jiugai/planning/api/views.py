"""Planning API: catalogue versions, proposals, priority scores, weights, bundles and annual plans (create,
change, copy as a scenario, optimise, approve, entries). Every list is scoped by `visible_to`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jiugai.accounts.models import Jurisdiction
from jiugai.core.api.errors import error_body
from jiugai.core.api.views import ApiDefaults
from jiugai.core.permissions import require
from jiugai.core.scoping import get_visible_or_404, visible_to
from jiugai.inventory.models import Estate
from jiugai.inventory.selectors import jurisdiction_for_user
from jiugai.planning import selectors, services
from jiugai.planning.models import CatalogueVersion

from .serializers import (
    BundleDecideSerializer,
    BundleSerializer,
    CatalogueVersionCreateSerializer,
    CatalogueVersionSerializer,
    PlanCreateSerializer,
    PlanEntrySerializer,
    PlanSerializer,
    PlanUpdateSerializer,
    ProposalCreateSerializer,
    ProposalSerializer,
    ScoreSerializer,
    TransitionSerializer,
    WeightsSerializer,
)


def _jurisdiction(request: Request, code: str | None) -> Jurisdiction:
    node = jurisdiction_for_user(user=request.user, code=code or None)
    if node is None:
        raise exceptions.NotFound(_("Unknown jurisdiction or outside your scope: %(code)s") % {"code": code or "—"})
    return node


def _estates(request: Request, codes: list[str] | None) -> list[Estate]:
    if not codes:
        return []
    found = list(visible_to(request.user, Estate.objects.filter(code__in=codes)))
    missing = sorted(set(codes) - {e.code for e in found})
    if missing:
        raise exceptions.ValidationError({"estates": [_("Unknown estates: %(codes)s") % {"codes": ", ".join(missing)}]})
    return found


@extend_schema_view(
    list=extend_schema(
        summary="Catalogue versions (national and per jurisdiction)",
        parameters=[OpenApiParameter("jurisdiction", str, description="Versions that apply to this jurisdiction")],
    ),
    retrieve=extend_schema(summary="One catalogue version with its items"),
    create=extend_schema(summary="Write the next catalogue version", request=CatalogueVersionCreateSerializer),
)
class CatalogueViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CatalogueVersionSerializer
    search_fields: list[str] = []
    ordering_fields = ["effective_from", "version"]
    filterset_fields = ["version"]

    def get_queryset(self) -> Any:
        code = self.request.query_params.get("jurisdiction")
        node = _jurisdiction(self.request, code) if code else None
        return selectors.catalogue_version_list(jurisdiction=node).prefetch_related("items").order_by("-effective_from")

    def create(self, request: Request) -> Response:
        data = CatalogueVersionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data["jurisdiction"]
        node = _jurisdiction(request, code) if code else None
        try:
            version = services.catalogue_version_create(
                jurisdiction=node,
                effective_from=data.validated_data["effective_from"],
                title=data.validated_data["title"],
                note=data.validated_data.get("note", ""),
                items=data.validated_data["items"],
                actor=request.user,
            )
        except services.CatalogueInvalid as exc:
            return Response(
                error_body("invalid", _("The catalogue has errors; nothing was saved."), {"items": exc.problems}),
                status=400,
            )
        return Response(CatalogueVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The catalogue in force for a jurisdiction",
        parameters=[OpenApiParameter("jurisdiction", str), OpenApiParameter("on", str, description="YYYY-MM-DD")],
    )
    @action(detail=False, methods=["get"], url_path="in-force")
    def in_force(self, request: Request) -> Response:
        import datetime as dt

        code = request.query_params.get("jurisdiction")
        node = _jurisdiction(request, code) if code else None
        try:
            on = dt.date.fromisoformat(request.query_params["on"]) if request.query_params.get("on") else None
        except ValueError:
            raise exceptions.ValidationError({"on": [_("Write the date as YYYY-MM-DD.")]}) from None
        version: CatalogueVersion | None = selectors.catalogue_in_force(jurisdiction=node, on=on)
        if version is None:
            raise exceptions.NotFound(_("No catalogue is in force."))
        return Response(CatalogueVersionSerializer(version).data)


@extend_schema_view(
    list=extend_schema(summary="Renovation proposals (every version) of the estates the caller may see"),
    retrieve=extend_schema(summary="One proposal version with its lines"),
    create=extend_schema(summary="Write the next proposal version (or pre-fill one)", request=ProposalCreateSerializer),
)
class ProposalViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProposalSerializer
    search_fields: list[str] = []
    ordering_fields = ["version", "total"]
    filterset_fields = ["estate", "version"]

    def get_queryset(self) -> Any:
        return (
            selectors.proposal_list(user=self.request.user)
            .prefetch_related("lines__item")
            .order_by("estate", "-version")
        )

    def create(self, request: Request) -> Response:
        data = ProposalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        estate = get_visible_or_404(
            request.user, Estate.objects.select_related("jurisdiction"), pk=data.validated_data["estate"]
        )
        if data.validated_data["prefill"]:
            proposal = services.proposal_prefill(estate=estate, actor=request.user)
        else:
            proposal = services.proposal_save(
                estate=estate,
                lines=data.validated_data.get("lines", []),
                note=data.validated_data.get("note", ""),
                actor=request.user,
            )
        return Response(ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Priority weights versions of the jurisdictions the caller may see"),
    retrieve=extend_schema(summary="One weights version"),
)
class WeightsViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = WeightsSerializer
    search_fields: list[str] = []
    ordering_fields = ["version", "effective_from"]
    filterset_fields = ["version"]

    def get_queryset(self) -> Any:
        from jiugai.planning.models import PriorityWeights

        return visible_to(self.request.user, PriorityWeights.objects.select_related("jurisdiction")).order_by("-id")


@extend_schema_view(
    list=extend_schema(summary="Area bundles the caller may see"),
    retrieve=extend_schema(summary="One bundle"),
)
class BundleViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = BundleSerializer
    search_fields: list[str] = []
    ordering_fields = ["name"]
    filterset_fields = ["status"]

    def get_queryset(self) -> Any:
        return selectors.bundle_list(user=self.request.user).order_by("name")

    @extend_schema(
        summary="Accept, reject or reset a bundle", request=BundleDecideSerializer, responses=BundleSerializer
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        data = BundleDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bundle = services.bundle_decide(
            bundle=self.get_object(), status=data.validated_data["status"], actor=request.user
        )
        return Response(BundleSerializer(bundle).data)

    @extend_schema(
        summary="Suggest bundles of nearby estates with shared needs",
        parameters=[OpenApiParameter("jurisdiction", str, required=True)],
        request=None,
        responses=BundleSerializer(many=True),
    )
    @action(detail=False, methods=["post"])
    def suggest(self, request: Request) -> Response:
        node = _jurisdiction(request, request.query_params.get("jurisdiction"))
        bundles = services.bundle_suggest(jurisdiction=node, actor=request.user)
        return Response(BundleSerializer(bundles, many=True).data, status=status.HTTP_201_CREATED)


class ScoreViewSet(ApiDefaults, viewsets.ViewSet):
    @extend_schema(
        summary="Priority scores with their breakdown (highest first)",
        parameters=[
            OpenApiParameter("jurisdiction", str, description="Estates under this jurisdiction (default: your own)"),
            OpenApiParameter("limit", int, description="At most this many (default 200, at most 2000)"),
        ],
        responses=ScoreSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        require(request.user, "planning.view")
        node = _jurisdiction(request, request.query_params.get("jurisdiction"))
        try:
            limit = max(1, min(2000, int(request.query_params.get("limit", 200))))
        except ValueError:
            raise exceptions.ValidationError({"limit": [_("The limit must be a whole number.")]}) from None
        estates = visible_to(request.user, Estate.objects.filter(jurisdiction__path__startswith=node.path))[:limit]
        weights = selectors.weights_values(selectors.weights_in_force(jurisdiction=node))
        rows = [
            {
                "estate": s.estate.pk,
                "estate_code": s.estate.code,
                "estate_name": s.estate.name,
                **s.score.as_dict(),
            }
            for s in selectors.estate_scores(estates, weights=weights)
        ]
        return Response(ScoreSerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Annual plans and scenarios the caller may see"),
    retrieve=extend_schema(summary="One plan with its result figures"),
    create=extend_schema(summary="Create a draft annual plan", request=PlanCreateSerializer),
    partial_update=extend_schema(summary="Change a draft plan", request=PlanUpdateSerializer),
)
class PlanViewSet(ApiDefaults, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PlanSerializer
    search_fields: list[str] = []
    ordering_fields = ["year", "budget"]
    filterset_fields = ["year", "status", "run_status", "scenario_of"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        return (
            selectors.plan_list(user=self.request.user).prefetch_related("must_include", "must_exclude").order_by("-id")
        )

    def _changes(self, request: Request, data: dict[str, Any]) -> dict[str, Any]:
        changes = {k: v for k, v in data.items() if k not in ("jurisdiction", "must_include", "must_exclude")}
        for key in ("must_include", "must_exclude"):
            if key in data:
                changes[key] = _estates(request, data[key])
        return changes

    def create(self, request: Request) -> Response:
        data = PlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        node = _jurisdiction(request, data.validated_data["jurisdiction"])
        plan = services.plan_create(
            jurisdiction=node, actor=request.user, **self._changes(request, data.validated_data)
        )
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        data = PlanUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        plan = services.plan_update(
            plan=self.get_object(), actor=request.user, **self._changes(request, data.validated_data)
        )
        return Response(PlanSerializer(plan).data)

    @extend_schema(summary="Optimise the plan (runs in the request)", request=None, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def optimise(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        try:
            plan = services.plan_optimise(plan=plan, user=request.user)
        except services.PlanInputError as exc:
            return Response(
                error_body("plan_conflict", exc.messages[0], {"conflicts": list(exc.conflicts)}), status=400
            )
        return Response(PlanSerializer(plan).data)

    @extend_schema(
        summary="Copy the plan as a what-if scenario", request=PlanUpdateSerializer, responses=PlanSerializer
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str | None = None) -> Response:
        data = PlanUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = self._changes(request, data.validated_data)
        title = changes.pop("title", "")
        plan = services.plan_copy(plan=self.get_object(), title=title, actor=request.user, **changes)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve the plan or return it to draft", request=TransitionSerializer, responses=PlanSerializer
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_transition(
            plan=self.get_object(),
            target=data.validated_data["target"],
            actor=request.user,
            reason=data.validated_data.get("reason", ""),
        )
        return Response(PlanSerializer(plan).data)

    @extend_schema(
        summary="The plan's entries (tiers, scores, exclusions)",
        parameters=[OpenApiParameter("tier", str, enum=["implement", "plan", "reserve"])],
        responses=PlanEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def entries(self, request: Request, pk: str | None = None) -> Response:
        rows = selectors.plan_entries(plan=self.get_object())
        tier = request.query_params.get("tier")
        if tier:
            rows = rows.filter(tier=tier)
        page = self.paginate_queryset(rows)
        if page is not None:
            return self.get_paginated_response(PlanEntrySerializer(page, many=True).data)
        return Response(PlanEntrySerializer(rows, many=True).data)
